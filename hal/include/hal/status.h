/* The one status type of picmon: every fallible function in every layer returns a pm_status.
 * errno never crosses the HAL boundary; hal_ code maps it to one of these codes. */
#ifndef HAL_STATUS_H
#define HAL_STATUS_H

typedef enum pm_status {
	PM_OK = 0,
	PM_ERR_INVAL = -1,        /* argument or input out of range / malformed */
	PM_ERR_NOENT = -2,        /* file, process or key does not exist */
	PM_ERR_PERM = -3,         /* the kernel refused (EPERM/EACCES) */
	PM_ERR_NOSPACE = -4,      /* a fixed buffer or table is full */
	PM_ERR_IO = -5,           /* read/write failed or was short */
	PM_ERR_GONE = -6,         /* the process exited while we looked (ESRCH) */
	PM_ERR_TIMEOUT = -7,      /* a deadline passed; the outcome is unknown */
	PM_ERR_AGAIN = -8,        /* try again later (EAGAIN/EINTR, would block, ring empty) */
	PM_ERR_PARSE = -9,        /* text from outside did not have the expected form */
	PM_ERR_UNSUPPORTED = -10, /* the kernel or build lacks the feature */
	PM_ERR_STATE = -11,       /* call not allowed in the current phase (e.g. after freeze) */
	PM_ERR_CORRUPT = -12,     /* stored data failed a checksum or version check */
	PM_ERR_REMOTE = -13,      /* a peer (etcd) answered with an error */
	PM_ERR_INTERNAL = -14,    /* a broken invariant that was caught instead of asserted */
} pm_status;

#define PM_STATUS_MIN PM_ERR_INTERNAL

/* Stable, lower-case name of a status ("ok", "invalid argument", ...); never NULL. */
const char *pm_status_str(pm_status status);

/* Maps a positive errno value to a status; 0 maps to PM_OK. */
pm_status pm_status_from_errno(int err);

#endif
