/* SPDX-License-Identifier: ISC */
/* The kernel side of `hush sandbox`, for callers outside sandbox/ that use
 * several of its parts (hush doctor, the tests, the fuzz targets): every
 * module's header. Each module has its own; code inside sandbox/ includes
 * only those it needs.
 *
 * Library code: every function returns 0 (or a documented value) or a
 * negative HUSH_E* code and never prints. See docs/sandbox.md. */
#ifndef HUSH_SANDBOX_H
#define HUSH_SANDBOX_H

#include "sandbox/brokerhook.h"
#include "sandbox/discover.h"
#include "sandbox/env.h"
#include "sandbox/git.h"
#include "sandbox/gitconfig.h"
#include "sandbox/gitignore.h"
#include "sandbox/gitindex.h"
#include "sandbox/gitrun.h"
#include "sandbox/guard.h"
#include "sandbox/hide.h"
#include "sandbox/inputs.h"
#include "sandbox/journal.h"
#include "sandbox/landlock.h"
#include "sandbox/mount.h"
#include "sandbox/net.h"
#include "sandbox/ns.h"
#include "sandbox/plan.h"
#include "sandbox/policy.h"
#include "sandbox/protect.h"
#include "sandbox/rcsource.h"
#include "sandbox/remask.h"
#include "sandbox/report.h"
#include "sandbox/seccomp.h"
#include "sandbox/session.h"
#include "sandbox/sockets.h"
#include "sandbox/sockfilter.h"
#include "sandbox/statefile.h"
#include "sandbox/workdir.h"

#endif
