// Umbrella header for libqrencode (Debian's libqrencode-dev).
#ifndef CQRENCODE_SHIM_H
#define CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
