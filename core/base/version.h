/* The daemon's version, reported by hotlined -V, /healthz and the daemon registry. */
#ifndef HL_VERSION_H
#define HL_VERSION_H

#define HL_VERSION "0.1.0"

#endif
