#include <coast.h>
#include <pthread.h>

struct not_send tls_ref { int *p; };
struct tls_ref make(void);
void use(struct tls_ref *r);
async int tick(void);
pthread_mutex_t m;

async int worker(void) {
	struct tls_ref r = make();
	pthread_mutex_lock(&m);
	await(tick());
	pthread_mutex_unlock(&m);
	use(&r);
	return 0;
}

void start(void) { coast_detach(coast_spawn(worker())); }
