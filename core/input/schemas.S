/* schemas.S — the XML schemas (the .xsd files in core/input/schemas) embedded in the binary, each NUL-terminated, so nothing is read from disk at run time. */

#define SCHEMA(sym, file)              \
        .globl sym;                    \
        .type sym, @object;            \
        .balign 16;                    \
sym:    .incbin file;                  \
        .byte 0;                       \
        .size sym, . - sym

        .section .rodata
SCHEMA(bf_xsd_household_types, "core/input/schemas/household-types.xsd")
SCHEMA(bf_xsd_households, "core/input/schemas/households.xsd")
SCHEMA(bf_xsd_parameters, "core/input/schemas/parameters.xsd")
SCHEMA(bf_xsd_scenario, "core/input/schemas/scenario.xsd")
SCHEMA(bf_xsd_cases, "core/input/schemas/cases.xsd")
SCHEMA(bf_xsd_export, "core/input/schemas/export.xsd")
SCHEMA(bf_xsd_areas, "core/input/schemas/areas.xsd")

        .section .note.GNU-stack,"",@progbits
