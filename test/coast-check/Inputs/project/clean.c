// Correct async code: nothing to report.
#include <coast.h>

async int load(int id);

async int sum(int n) {
  int s = 0;
  for (int i = 0; i < n; i++) {
    int v = await(load(i));
    s += v;
  }
  return s;
}

int main(void) { return coast_block_on(sum(3)) == 0; }
