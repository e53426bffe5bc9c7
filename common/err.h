/* SPDX-License-Identifier: ISC */
/* Error codes shared by every library part of hush.
 *
 * Library code returns 0 or a negative HUSH_E* code and never prints;
 * programs turn a code into text with hush_strerror(). */
#ifndef HUSH_ERR_H
#define HUSH_ERR_H

enum {
	HUSH_OK = 0,
	HUSH_ENOMEM = -1,     /* out of memory */
	HUSH_EIO = -2,        /* read/write failure; errno kept where useful */
	HUSH_EINVAL = -3,     /* bad argument or malformed input */
	HUSH_ENOENT = -4,     /* does not exist */
	HUSH_EEXIST = -5,     /* already exists */
	HUSH_EAUTH = -6,      /* wrong passphrase/key, or data was tampered with */
	HUSH_EFORMAT = -7,    /* not a hush file, or damaged/truncated */
	HUSH_EVERSION = -8,   /* unknown format version */
	HUSH_ETOOBIG = -9,    /* over a hard size cap */
	HUSH_EKEYRING = -10,  /* desktop keyring unavailable or item missing */
	HUSH_ELOCKED = -11,   /* vault locked */
	HUSH_EPERM = -12,     /* not allowed (ownership, mode, policy) */
	HUSH_EPROTO = -13,    /* wire protocol violation */
	HUSH_EREFUSED = -14,  /* refused by policy or by the human */
	HUSH_ETIMEDOUT = -15, /* timed out */
	HUSH_ECANCELED = -16, /* cancelled by the user */
	HUSH_EBUSY = -17,     /* locked by another process */
	HUSH_ENAME = -18,     /* invalid name */
	HUSH_ECONFIG = -19,   /* configuration error */
	HUSH_ENOTBROKER = -20, /* the process behind a broker socket is not the broker */
};

/* Returns a static one-line description of a HUSH_E* code. */
const char *hush_strerror(int code);

#endif
