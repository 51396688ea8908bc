# bangfu — build, test, demo, bench. Everything is found with pkg-config; `make deps` installs it.
#   make            build build/bangfu, build/libbangfu.a and the plugins
#   make demo       import the bundled sample into a fresh database and run every policy on it
#   make test       every Criterion test, then the policy test cases through `bangfu test`
#   make asan       the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz       every libFuzzer harness of tests/fuzz for FUZZ_SECONDS (make test: a few seconds each)
#   make bench      the benchmark (bench/)
#   make install PREFIX=/usr/local
#   make pot        refresh core/po/bangfu.pot from the sources and merge it into core/po/*.po

PREFIX  ?= /usr/local
PKGS     = lua5.4 sqlite3 libxml-2.0
# bangfu serve only (core/serve): HTTP(S) and the users' password hashes; plugins do not link them
SERVE_PKGS = libmicrohttpd libxcrypt
DEBS     = liblua5.4-dev libsqlite3-dev libxml2-dev libcriterion-dev pkg-config gettext locales \
           libmicrohttpd-dev libcrypt-dev
# The locales the program speaks (core/po/LANG.po) and the one make deps generates for the tests.
LANGS    = $(patsubst core/po/%.po,%,$(wildcard core/po/*.po))
# Only the HTML report test needs these (headless Chromium, a CJK font); without them it skips.
BROWSER_DEBS = chromium fonts-wqy-zenhei
SANITIZE ?= 0
FUZZ     ?= 0
# make fuzz: clang's libFuzzer (tests/fuzz); without them the fuzz targets skip with a message.
FUZZ_DEBS = clang libclang-rt-14-dev

BUILD   ?= build
ifeq ($(FUZZ),1)
  # The library and plugins instrumented for coverage, ASan and UBSan; harnesses add libFuzzer.
  CC       = clang
  B        = $(BUILD)-fuzz
  SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT      = -O1 -g
else ifeq ($(SANITIZE),1)
  B        = $(BUILD)-asan
  SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT      = -O1 -g
else
  B        = $(BUILD)
  SANFLAGS =
  OPT      = -O2 -g
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(SERVE_PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libmicrohttpd is not linked: core/serve/mhd.c opens it by its soname when a server starts, so
# that the dozen libraries of its TLS stack are not loaded by every command (5 ms of each check)
SERVE_LIBS := $(shell pkg-config --libs libxcrypt 2>/dev/null)
MHD_SONAME := $(shell objdump -p "$$(pkg-config --variable=libdir libmicrohttpd 2>/dev/null)/libmicrohttpd.so" \
                2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
CRIT_CFLAGS := $(shell pkg-config --cflags criterion 2>/dev/null)
CRIT_LIBS   := $(shell pkg-config --libs criterion 2>/dev/null)

WARN    = -Wall -Wextra -Wshadow -Wundef -Wwrite-strings -Wmissing-prototypes -Werror
CFLAGS ?= $(OPT)
# Plugins see only core/plugin.h (BASE_CFLAGS -Icore); the host's modules see every core folder.
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -pthread -MMD -MP
ALL_CFLAGS = $(BASE_CFLAGS) $(CORE_INC)
LDLIBS  = $(PKG_LIBS) $(SERVE_LIBS) -pthread -ldl -lm
# The executables export only the library API (core/bangfu.exports), not every bf_ function:
# plugins reach the host through bf_host alone.
LDFLAGS_ALL = $(SANFLAGS) -Wl,--dynamic-list=core/bangfu.exports

# core/ holds one folder per concern along the data path (see README, Layout).
CORE_DIRS = core core/base core/input core/store core/engine core/decisions core/report core/serve \
            core/cli
CORE_INC  = $(addprefix -I,$(CORE_DIRS))
CLI_SRC  = $(wildcard core/cli/*.c)
LIB_SRC  = $(filter-out $(CLI_SRC),$(wildcard core/*/*.c))
LIB_ASM  = $(wildcard core/*/*.S)
LIB_OBJ  = $(LIB_SRC:core/%.c=$(B)/core/%.o) $(LIB_ASM:core/%.S=$(B)/core/%.o)
TEST_SRC = $(wildcard tests/*.c)
# the bench's native rules (bench/rules.c) are linked into the tests too: tests/test_temporary_aid.c
# compares the engine with them
TEST_OBJ = $(TEST_SRC:tests/%.c=$(B)/tests/%.o) $(B)/tests/bench_rules.o
PLUGIN_DIRS = $(patsubst %/,%,$(wildcard plugins/*/))
PLUGINS  = $(PLUGIN_DIRS:plugins/%=$(B)/plugins/%.so)

BANGFU   = $(B)/bangfu
MO_FILES = $(LANGS:%=$(B)/locale/%/LC_MESSAGES/bangfu.mo)

.PHONY: all deps demo demo-run test test-run test-plugins asan bench bench-rerun bench-serve bench-trivial install clean \
        check-deps \
        fuzz fuzz-build fuzz-run fuzz-smoke pot
all: check-deps $(BANGFU) $(PLUGINS) $(MO_FILES)

check-deps:
	@pkg-config --exists $(PKGS) $(SERVE_PKGS) || { echo "missing libraries: run 'make deps' (as root) first" >&2; exit 2; }
	@command -v msgfmt >/dev/null || { echo "missing msgfmt (gettext): run 'make deps' (as root) first" >&2; exit 2; }

deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "all build dependencies are installed"; fi
	@# the tests speak Chinese (LANG=zh_CN.UTF-8): the locale must exist, not only the catalog
	@if ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'; then \
	  echo "generating the zh_CN.UTF-8 locale"; \
	  grep -q '^# *zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null && \
	    sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/' /etc/locale.gen; \
	  grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null || echo 'zh_CN.UTF-8 UTF-8' >> /etc/locale.gen; \
	  locale-gen >/dev/null; \
	fi
	@missing=""; for p in $(BROWSER_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing for the browser test:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; } || \
	  echo "could not install$$missing: tests/test_html.c will skip the browser checks" >&2; \
	fi
	@missing=""; for p in $(FUZZ_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing for the fuzz harnesses:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; } || \
	  echo "could not install$$missing: make fuzz and fuzz-smoke will skip" >&2; \
	fi

# ---- Messages (GNU gettext): English in the sources, core/po/LANG.po the translations ----
# Each catalog is compiled into $(B)/locale (MO_FILES), where a bangfu of this build tree finds
# it (the folder "locale" beside the executable); make install puts it under PREFIX/share/locale.
$(B)/locale/%/LC_MESSAGES/bangfu.mo: core/po/%.po
	@mkdir -p $(@D)
	msgfmt --check --statistics -o $@ $<

# The messages of the sources: what _(), N_() and P_() mark (core/base/i18n.h).
XGETTEXT_FLAGS = --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=C_:1c,2 --keyword=NC_:1c,2 \
                 --add-comments=TRANSLATORS: --sort-output --add-location=file \
                 --package-name=bangfu --msgid-bugs-address=bangfu --no-wrap
I18N_SRC = $(sort $(wildcard core/*.h core/*/*.c core/*/*.h))
pot:
	xgettext $(XGETTEXT_FLAGS) -o core/po/bangfu.pot $(I18N_SRC)
	for l in $(LANGS); do msgmerge --quiet --update --backup=none --no-wrap --sort-output \
	  --add-location=file core/po/$$l.po core/po/bangfu.pot; done
	@# no dates in the header: two branches that add messages should not conflict on it
	sed -i '/^"POT-Creation-Date:/d' core/po/bangfu.pot $(LANGS:%=core/po/%.po)

$(B)/libbangfu.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

CLI_OBJ  = $(CLI_SRC:core/%.c=$(B)/core/%.o)
$(BANGFU): $(CLI_OBJ) $(B)/libbangfu.a core/bangfu.exports
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(B)/libbangfu.a $(LDLIBS)

$(B)/core/%.o: core/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/core/serve/mhd.o: ALL_CFLAGS += $(if $(MHD_SONAME),-DBF_MHD_SONAME='"$(MHD_SONAME)"')

# Assembly files embed data (the XML schemas) with .incbin; paths are relative to the top folder.
$(B)/core/%.o: core/%.S
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -I. -c -o $@ $<

# the schemas are embedded with .incbin: editing one must rebuild schemas.o
$(B)/core/input/schemas.o: $(wildcard core/input/schemas/*.xsd)

# Plugins: every plugins/NAME/*.c is compiled position-independent into $(B)/plugins/NAME/ and
# linked into $(B)/plugins/NAME.so. -z defs makes a symbol missing from a plugin a link error
# here, not a dlopen failure later. Under SANITIZE=1 plugins get the sanitizer flags too: they
# are loaded only by the sanitized binaries of the same build, which carry the runtime.
PLUGIN_LDFLAGS = $(SANFLAGS) -shared $(if $(filter 1,$(FUZZ)),,-Wl,-z,defs)
# (clang links its sanitizer runtimes into the executable only: a fuzz build's plugins leave them
# undefined until loaded, so -z defs is for gcc's builds.)

$(B)/plugins/%.o: plugins/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Icore -fPIC -c -o $@ $<

define plugin_rule
$(B)/plugins/$(1).so: $(patsubst plugins/$(1)/%.c,$(B)/plugins/$(1)/%.o,$(wildcard plugins/$(1)/*.c))
	$$(CC) $$(PLUGIN_LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)
endef
$(foreach p,$(PLUGIN_DIRS:plugins/%=%),$(eval $(call plugin_rule,$(p))))

# Plugins for tests/test_plugins.c: the broken ones of tests/data/plugins/*.c, a file named .so
# that is no ELF object, and copies of the good plugins, in one folder.
TEST_PLUGIN_SRC = $(wildcard tests/data/plugins/*.c)
TEST_PLUGINS = $(TEST_PLUGIN_SRC:tests/data/plugins/%.c=$(B)/test-plugins/%.so) \
               $(PLUGINS:$(B)/plugins/%=$(B)/test-plugins/%) $(B)/test-plugins/not_elf.so

$(B)/test-plugins/%.so: tests/data/plugins/%.c core/plugin.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Icore -fPIC $(PLUGIN_LDFLAGS) -o $@ $< $(PKG_LIBS)

$(B)/test-plugins/%.so: $(B)/plugins/%.so
	@mkdir -p $(@D)
	cp $< $@

$(B)/test-plugins/not_elf.so:
	@mkdir -p $(@D)
	printf 'this is a text file named like a plugin, not an ELF shared object\n' > $@

test-plugins: $(TEST_PLUGINS)

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(CRIT_CFLAGS) -Icore \
	  -DBF_SOURCE_DIR='"$(CURDIR)"' -DBF_BUILD_DIR='"$(abspath $(B))"' \
	  -DBF_XGETTEXT_FLAGS='"$(XGETTEXT_FLAGS)"' -c -o $@ $<

# as bench/Makefile builds it: the native rules must round like the Lua VM (no fused multiply-add)
$(B)/tests/bench_rules.o: bench/rules.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -ffp-contract=off -c -o $@ $<

$(B)/tests/run_tests: $(TEST_OBJ) $(B)/libbangfu.a core/bangfu.exports
	$(CC) $(LDFLAGS_ALL) -o $@ $(TEST_OBJ) $(B)/libbangfu.a $(CRIT_LIBS) $(LDLIBS)

# demo and test install what is missing first, then re-run make so pkg-config flags are fresh.
demo: deps
	@$(MAKE) --no-print-directory demo-run

# The demo speaks Chinese, as the county's staff read it (make demo DEMO_LANG=C.UTF-8: English).
DEMO_LANG ?= zh_CN.UTF-8
DEMO_ENV   = LC_ALL=$(DEMO_LANG) LANGUAGE=
demo-run: all
	@rm -f $(B)/demo.db $(B)/demo.db-wal $(B)/demo.db-shm
	$(DEMO_ENV) $(BANGFU) import samples/households.xml --db $(B)/demo.db
	$(DEMO_ENV) $(BANGFU) run --db $(B)/demo.db --date 2021-06-30 --report $(B)/demo-report.html
	$(DEMO_ENV) $(BANGFU) review --db $(B)/demo.db

# make test: the plain build's tests, then the same under ASan + UBSan.
test: deps
	@$(MAKE) --no-print-directory test-run
	@$(MAKE) --no-print-directory test-run SANITIZE=1
	@$(MAKE) --no-print-directory fuzz-smoke

# Under sanitizers, leaks inside libcriterion itself are suppressed (tests/lsan.supp).
SAN_ENV = $(if $(filter 1,$(SANITIZE)),LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1)

test-run: all test-plugins $(B)/tests/run_tests
	$(SAN_ENV) $(B)/tests/run_tests --jobs 2
	@if $(BANGFU) --help 2>&1 | grep -q '^  test '; then \
	  echo "$(BANGFU) test policies"; $(BANGFU) test policies; fi

asan: deps
	@$(MAKE) --no-print-directory test-run SANITIZE=1

# ---- Fuzzing (libFuzzer), the way SQLite keeps its harnesses in the tree ----
# Each tests/fuzz/fuzz_NAME.c is one harness; its seeds are the samples and test inputs below,
# copied into $(B)/corpus/NAME, where libFuzzer also keeps what it finds. A crash is written to
# $(B)/crashes/ and fails the target; turn it into a test under tests/ before fixing it.
#   make fuzz                 each harness for FUZZ_SECONDS (default 600)
#   make fuzz-smoke           each harness briefly (FUZZ_SMOKE_SECONDS, default 5): part of make test
FUZZ_SRC     = $(filter-out tests/fuzz/fuzz_input.c,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 5
SEEDS_households_xml = samples/households.xml $(wildcard tests/data/households/*.xml)
SEEDS_params   = policies/params.xml tests/data/policies/faults/params.xml
SEEDS_scenario = $(wildcard samples/scenario-*.xml)
SEEDS_cases    = $(wildcard policies/tests/*.xml)

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_input.c $(B)/libbangfu.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -DBF_FUZZ_POLICIES='"$(CURDIR)/tests/fuzz/decision"' \
	  -fsanitize=fuzzer -o $@ $< tests/fuzz/fuzz_input.c \
	  $(B)/libbangfu.a $(LDLIBS)

# Seeds: copies of the files above; the csv harness takes households.csv, a form feed, members.csv.
$(B)/corpus/%/.seeded:
	@mkdir -p $(@D)
	@for f in $(SEEDS_$*); do cp $$f $(@D)/$$(echo $$f | tr / _); done
	$(if $(filter csv,$*),{ cat samples/households.csv; printf '\f'; cat samples/members.csv; } > $(@D)/sample)
	@touch $@

fuzz-build: all $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%) $(FUZZ_NAMES:%=$(B)/corpus/%/.seeded)

# Runs every harness for $(SECONDS) seconds each; stops at the first crash.
fuzz-run: fuzz-build
	@mkdir -p $(B)/crashes
	@for n in $(FUZZ_NAMES); do \
	  echo "fuzz_$$n: $(SECONDS) s on $(B)/corpus/$$n"; \
	  rm -rf $(B)/fuzz-tmp && mkdir -p $(B)/fuzz-tmp; \
	  TMPDIR=$(abspath $(B))/fuzz-tmp BANGFU_PLUGINS=$(abspath $(B))/plugins $(B)/fuzz/fuzz_$$n $(B)/corpus/$$n \
	    -max_total_time=$(SECONDS) -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
	    -artifact_prefix=$(B)/crashes/$$n- -print_final_stats=1 2>$(B)/fuzz-$$n.log || \
	    { tail -40 $(B)/fuzz-$$n.log; echo "fuzz_$$n FAILED: see $(B)/crashes/"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units' $(B)/fuzz-$$n.log | sed "s/^/fuzz_$$n: /"; \
	done

# Without clang's libFuzzer the fuzz targets say so and succeed: the rest of make test still runs.
FUZZ_READY = command -v clang >/dev/null && [ -n "$$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ]

fuzz: deps
	@if $(FUZZ_READY); then $(MAKE) --no-print-directory fuzz-run FUZZ=1 SECONDS=$(FUZZ_SECONDS); \
	else echo "make fuzz: clang with libFuzzer is not installed ($(FUZZ_DEBS)); nothing fuzzed" >&2; fi

fuzz-smoke:
	@if $(FUZZ_READY); then $(MAKE) --no-print-directory fuzz-run FUZZ=1 SECONDS=$(FUZZ_SMOKE_SECONDS); \
	else echo "fuzz-smoke SKIPPED: clang with libFuzzer is not installed ($(FUZZ_DEBS))" >&2; fi

bench: all
	$(MAKE) --no-print-directory -C bench TOP=$(CURDIR) BF_BUILD=$(abspath $(B)) CORE_INC='$(CORE_DIRS:%=-I$(CURDIR)/%)'

# the load on bangfu serve alone (SERVE_HOUSEHOLDS=100000 SERVE_SIM_HOUSEHOLDS=1000000 make bench-serve)
bench-serve: all
	$(MAKE) --no-print-directory -C bench serve TOP=$(CURDIR) BF_BUILD=$(abspath $(B)) CORE_INC='$(CORE_DIRS:%=-I$(CURDIR)/%)'

# the fixed cost of evaluation: trivial against shipped scripts (TRIVIAL_HOUSEHOLDS=100000)
bench-trivial: all
	$(MAKE) --no-print-directory -C bench trivial TOP=$(CURDIR) BF_BUILD=$(abspath $(B)) CORE_INC='$(CORE_DIRS:%=-I$(CURDIR)/%)'

# the monthly re-run alone, side by side with a full run (RERUN_HOUSEHOLDS=20000 make bench-rerun)
bench-rerun: all
	$(MAKE) --no-print-directory -C bench rerun TOP=$(CURDIR) BF_BUILD=$(abspath $(B)) CORE_INC='$(CORE_DIRS:%=-I$(CURDIR)/%)'

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bangfu/policies/lib \
	  $(DESTDIR)$(PREFIX)/share/bangfu/policies/tests $(DESTDIR)$(PREFIX)/share/bangfu/policies/types \
	  $(DESTDIR)$(PREFIX)/lib/bangfu/plugins
	install -m 755 $(BANGFU) $(DESTDIR)$(PREFIX)/bin/bangfu
	install -m 644 policies/*.lua policies/params.xml policies/areas.xml $(DESTDIR)$(PREFIX)/share/bangfu/policies/
	install -m 644 policies/lib/*.lua $(DESTDIR)$(PREFIX)/share/bangfu/policies/lib/
	install -m 644 policies/tests/*.xml $(DESTDIR)$(PREFIX)/share/bangfu/policies/tests/
	install -m 644 policies/README.md policies/.luarc.json $(DESTDIR)$(PREFIX)/share/bangfu/policies/
	install -m 644 policies/types/bangfu.lua $(DESTDIR)$(PREFIX)/share/bangfu/policies/types/
	$(if $(PLUGINS),install -m 755 $(PLUGINS) $(DESTDIR)$(PREFIX)/lib/bangfu/plugins/)
	for l in $(LANGS); do install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES && \
	  install -m 644 $(B)/locale/$$l/LC_MESSAGES/bangfu.mo $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/; done

clean:
	rm -rf build build-asan build-fuzz

-include $(wildcard $(B)/core/*/*.d $(B)/tests/*.d $(B)/plugins/*/*.d $(B)/test-plugins/*.d)
