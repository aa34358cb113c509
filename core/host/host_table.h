/*
 * The table of host functions every plugin's init receives (struct hl_host of the SDK
 * header): one static table for the life of the process, never freed.
 */
#ifndef HL_HOST_TABLE_H
#define HL_HOST_TABLE_H

#include <hotline/plugin.h>

const struct hl_host *hl_host_table(void);

#endif
