#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "file_shims.h"

int fileshim_rename_noreplace(const char *from, const char *to)
{
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    /* link(2) fails with EEXIST as well; the temporary name is then removed. */
    if (link(from, to) != 0)
        return -1;
    unlink(from);
    return 0;
}
