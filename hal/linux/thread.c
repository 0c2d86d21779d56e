/* pthread-based implementation of hal/thread.h: mmap'ed, populated stacks; scheduling applied inside
 * the new thread so a refusal degrades that thread instead of failing pthread_create. */
#include "hal/thread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIN_STACK (64u * 1024u)

int hal_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? (int)n : 1;
}

pm_status hal_thread_apply_self(const struct hal_thread_attr *attr, struct hal_thread_grant *grant)
{
	if (attr == NULL || grant == NULL) {
		return PM_ERR_INVAL;
	}
	memset(grant, 0, sizeof(*grant));
	grant->policy = HAL_SCHED_OTHER;
	grant->affinity_granted = true;
	if (attr->name != NULL) {
		char name[16];
		strncpy(name, attr->name, sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		(void)pthread_setname_np(pthread_self(), name); /* cosmetic: failure changes nothing */
	}
	if (hal_cpuset_count(&attr->cpus) > 0) {
		pm_status st = hal_affinity_set(0, &attr->cpus);
		if (st != PM_OK) {
			grant->affinity_granted = false;
			grant->affinity_status = st;
		}
	}
	if (attr->policy == HAL_SCHED_OTHER) {
		grant->policy_granted = true;
		return PM_OK;
	}
	pm_status st = hal_sched_set_self((int)attr->policy, attr->priority);
	if (st == PM_OK) {
		grant->policy_granted = true;
		grant->policy = attr->policy;
		grant->priority = attr->priority;
	} else {
		grant->policy_status = st;
	}
	return PM_OK;
}

static void *trampoline(void *raw)
{
	struct hal_thread_ctl *t = raw;
	(void)hal_thread_apply_self(&t->attr, &t->grant);
	atomic_store(&t->started, 1);
	return t->fn(t->arg);
}

pm_status hal_thread_start(struct hal_thread_ctl *t, const struct hal_thread_attr *attr, void *(*fn)(void *),
                           void *arg)
{
	if (t == NULL || attr == NULL || fn == NULL) {
		return PM_ERR_INVAL;
	}
	memset(t, 0, sizeof(*t));
	t->attr = *attr;
	t->fn = fn;
	t->arg = arg;
	long page = sysconf(_SC_PAGESIZE);
	size_t pagesz = page > 0 ? (size_t)page : 4096u;
	size_t size = attr->stack_size < MIN_STACK ? MIN_STACK : attr->stack_size;
	size = (size + pagesz - 1) / pagesz * pagesz;
	/* MAP_POPULATE pre-faults the whole stack: with mlockall no fault happens on the RT path. */
	void *stack =
	    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (stack == MAP_FAILED) {
		return pm_status_from_errno(errno);
	}
	t->stack = stack;
	t->stack_size = size;
	pthread_attr_t pattr;
	int rc = pthread_attr_init(&pattr);
	if (rc == 0) {
		rc = pthread_attr_setstack(&pattr, stack, size);
	}
	pthread_t tid;
	if (rc == 0) {
		rc = pthread_create(&tid, &pattr, trampoline, t);
	}
	(void)pthread_attr_destroy(&pattr);
	if (rc != 0) {
		(void)munmap(stack, size);
		t->stack = NULL;
		return pm_status_from_errno(rc);
	}
	t->handle = (uintptr_t)tid;
	t->joinable = true;
	/* Bounded handshake: the thread applies its attributes within microseconds. */
	for (int i = 0; i < 2000 && atomic_load(&t->started) == 0; i++) {
		struct timespec ms = { 0, 1000000 };
		(void)nanosleep(&ms, NULL);
	}
	return atomic_load(&t->started) ? PM_OK : PM_ERR_TIMEOUT;
}

pm_status hal_thread_join(struct hal_thread_ctl *t)
{
	if (t == NULL || !t->joinable) {
		return PM_ERR_INVAL;
	}
	int rc = pthread_join((pthread_t)t->handle, NULL);
	if (rc != 0) {
		return pm_status_from_errno(rc);
	}
	t->joinable = false;
	if (t->stack != NULL) {
		(void)munmap(t->stack, t->stack_size);
		t->stack = NULL;
	}
	return PM_OK;
}

pm_status hal_memory_lock_all(void)
{
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
		return pm_status_from_errno(errno);
	}
	return PM_OK;
}

pm_status hal_cpu_latency_hold_zero(void)
{
	static int qos_fd = -1;
	if (qos_fd >= 0) {
		return PM_OK;
	}
	int fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		return pm_status_from_errno(errno);
	}
	/* The request holds while the descriptor stays open: it is never closed on purpose. */
	int32_t zero = 0;
	if (write(fd, &zero, sizeof(zero)) != (ssize_t)sizeof(zero)) {
		pm_status st = pm_status_from_errno(errno);
		(void)close(fd);
		return st;
	}
	qos_fd = fd;
	return PM_OK;
}
