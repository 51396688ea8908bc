/* areas.h — the county's towns and administrative villages (policies/areas.xml): the places
 * an imported household may name, and the nearest name when it names another. */
#ifndef BF_AREAS_H
#define BF_AREAS_H

#include <stdbool.h>

#include "errors.h"

/* The file name inside a policies folder. */
#define BF_AREAS_FILE "areas.xml"

typedef struct bf_areas bf_areas;


/* Loads and validates DIR/areas.xml (schema urn:bangfu:areas:1). BF_OK and *out, or
 * BF_EIO/BF_EINPUT with "file:line:column: message" in errs and *out = NULL. */
int bf_areas_load_dir(const char *dir, bf_areas **out, bf_errors *errs);
/* Frees the areas; NULL is allowed. */
void bf_areas_free(bf_areas *a);

/* The file the areas were read from (as given), for messages. */
const char *bf_areas_file(const bf_areas *a);
/* The county the file names (<areas county>). */
const char *bf_areas_county(const bf_areas *a);
/* The number of towns. */
int bf_areas_town_count(const bf_areas *a);
/* The name of town t (0 … count−1). */
const char *bf_areas_town_name(const bf_areas *a, int t);
/* The number of villages of town t. */
int bf_areas_village_count(const bf_areas *a, int t);
/* The name of village v of town t, and whether it is verified (*verified may be NULL). */
const char *bf_areas_village_name(const bf_areas *a, int t, int v, bool *verified);

/* The index of the town called name, or -1. */
int bf_areas_town(const bf_areas *a, const char *name);
/* True when town t has a village called name. */
bool bf__areas_village(const bf_areas *a, int t, const char *name);
/* The first town that has a village called name, or -1. */
int bf_areas_town_of_village(const bf_areas *a, const char *name);
/* The town whose name is nearest to name (edit distance over characters: at most one edit per
 * three characters of name, and 2), or NULL when none is that near. */
const char *bf_areas_nearest_town(const bf_areas *a, const char *name);
/* The village of town t nearest to name, as bf_areas_nearest_town; NULL when none is near. */
const char *bf_areas_nearest_village(const bf_areas *a, int t, const char *name);
/* Edit distance (insertions, deletions, substitutions) between two UTF-8 texts counted in code
 * points; -1 when either is not valid UTF-8 or longer than 256 characters. */
int bf_text_distance(const char *a, const char *b);

#endif
