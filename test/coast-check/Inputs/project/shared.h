// A header two units include: its error is reported by each, fixed once.
#include <coast.h>
async int shared_fetch(int id);
static inline int shared_get(int id) { return await(shared_fetch(id)); }
