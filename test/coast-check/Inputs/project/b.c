// The shared header's error again, and one of its own.
#include "shared.h"

int get_both(int id) {
  return shared_get(id) + await(shared_fetch(id));
}
