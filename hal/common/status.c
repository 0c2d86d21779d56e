/* Names of the status codes and the single errno-to-status mapping of the HAL. */
#include "hal/status.h"

#include <errno.h>

const char *pm_status_str(pm_status status)
{
	switch (status) {
	case PM_OK:
		return "ok";
	case PM_ERR_INVAL:
		return "invalid argument";
	case PM_ERR_NOENT:
		return "not found";
	case PM_ERR_PERM:
		return "permission denied";
	case PM_ERR_NOSPACE:
		return "no space left in a fixed table";
	case PM_ERR_IO:
		return "input/output error";
	case PM_ERR_GONE:
		return "process gone";
	case PM_ERR_TIMEOUT:
		return "timed out";
	case PM_ERR_AGAIN:
		return "try again";
	case PM_ERR_PARSE:
		return "parse error";
	case PM_ERR_UNSUPPORTED:
		return "not supported";
	case PM_ERR_STATE:
		return "wrong state";
	case PM_ERR_CORRUPT:
		return "corrupt data";
	case PM_ERR_REMOTE:
		return "remote error";
	case PM_ERR_INTERNAL:
		return "internal error";
	}
	return "unknown status";
}

pm_status pm_status_from_errno(int err)
{
	switch (err) {
	case 0:
		return PM_OK;
	case EINVAL:
	case EBADF:
	case ERANGE:
		return PM_ERR_INVAL;
	case ENOENT:
	case ENOTDIR:
		return PM_ERR_NOENT;
	case EPERM:
	case EACCES:
		return PM_ERR_PERM;
	case ENOSPC:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
	case ENAMETOOLONG:
		return PM_ERR_NOSPACE;
	case ESRCH:
		return PM_ERR_GONE;
	case ETIMEDOUT:
		return PM_ERR_TIMEOUT;
	case EAGAIN:
	case EINTR:
	case EINPROGRESS:
		return PM_ERR_AGAIN;
	case ENOSYS:
	case EOPNOTSUPP:
		return PM_ERR_UNSUPPORTED;
	default:
		return PM_ERR_IO;
	}
}
