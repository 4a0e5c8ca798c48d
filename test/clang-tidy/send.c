// The Send checks through clang-tidy: each is its own check, notes follow
// their diagnostic, and the returns_send fix-it is exported.
// RUN: not %clang-tidy --checks='-*,coast-spawn-not-send' %s -- -I%coast-src/runtime/include 2>&1 | FileCheck %s --check-prefix=SPAWN --implicit-check-not='[coast-lock-across-await]'
// RUN: %clang-tidy --checks='-*,coast-lock-across-await' %s -- -I%coast-src/runtime/include 2>&1 | FileCheck %s --check-prefix=LOCK --implicit-check-not='[coast-spawn-not-send]'
// RUN: not %clang-tidy --checks='-*,coast-*' --export-fixes=%t.yaml %s -- -I%coast-src/runtime/include > /dev/null 2>&1
// RUN: FileCheck %s --check-prefix=YAML < %t.yaml
// YAML: DiagnosticName: coast-spawn-not-send
// YAML: ReplacementText: 'returns_send '
#include <coast.h>
#include <pthread.h>

async int tick(void);
// SPAWN-DAG: :[[@LINE-1]]:11: note: the future of 'tick' is not guaranteed Send: it is not declared returns_send
pthread_mutex_t m;

async int worker(void) {
  pthread_mutex_lock(&m);
  // LOCK-DAG: :[[@LINE-1]]:3: note: '&m' locked here
  await(tick());
  // LOCK-DAG: :[[@LINE-1]]:3: warning: blocking lock '&m' may be held across this await{{.*}} [coast-lock-across-await]
  pthread_mutex_unlock(&m);
  return 0;
}

void start(void) { coast_detach(coast_spawn(worker())); }
// SPAWN-DAG: :[[@LINE-1]]:45: error: coast_spawn needs a Send future, and the future of 'worker' is not Send [coast-spawn-not-send]
