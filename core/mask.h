/*
 * Masking of citizens' personal data (DESIGN.md section 9): phone numbers and ID numbers
 * are shown as 138****5678 in every log line and in the views of roles that do not need
 * them. Pure functions.
 */
#ifndef HL_MASK_H
#define HL_MASK_H

#include <stddef.h>

/* Writes `value` (a phone or ID number) masked into out: the first 3 and last 4
 * characters stay when it is 11 or more long, only the last 4 when shorter, nothing when
 * 4 or shorter. out is always NUL-terminated. */
void hl_mask_number(const char *value, char *out, size_t outlen);

/* Writes a person's name (UTF-8) with every character after the first replaced by '*':
 * 张三丰 -> 张**. out is always NUL-terminated. */
void hl_mask_name(const char *name, char *out, size_t outlen);

/* Returns a copy of free text (UTF-8) in which every run of 7 or more ASCII digits (an
 * ID number's final X counts as a digit) is masked as hl_mask_number does; the text
 * keeps its length. The caller frees the result; NULL when out of memory. */
char *hl_mask_text(const char *text);

#endif
