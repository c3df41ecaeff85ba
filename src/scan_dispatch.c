/*
 * scan_dispatch.c - choose the block classifier once per process
 *
 * (Scalar only for now; SIMD kernels are added by the scanner work.)
 */
#include "scan.h"
#include "safeaddr.h"
#include <string.h>

static safeaddr__classify_fn chosen = safeaddr__classify_scalar;
static const char *chosen_name = "scalar";

safeaddr__classify_fn safeaddr__classifier(void) { return chosen; }
const char *safeaddr__classifier_name(void) { return chosen_name; }

int safeaddr__select_kernel(const char *name)
{
    if (name && strcmp(name, "scalar") == 0) {
        chosen = safeaddr__classify_scalar;
        chosen_name = "scalar";
        return 0;
    }
    return -1;
}

SAFEADDR_API const char *safeaddr_kernel_name(void)
{
    return safeaddr__classifier_name();
}

SAFEADDR_API size_t safeaddr_kernels(const char **names, size_t cap)
{
    if (names && cap > 0)
        names[0] = "scalar";
    return 1;
}
