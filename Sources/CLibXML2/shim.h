// The libxml2 headers SelloCore uses (found through pkg-config's -I/usr/include/libxml2).
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
