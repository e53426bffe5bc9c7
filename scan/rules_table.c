/* SPDX-License-Identifier: ISC */
/* The token rule table: one file of entries per provider family in
 * scan/rules/. Each entry carries its positive and negative examples
 * (tests/unit/test_scan_rules.c walks them). */
#include "scan/rules.h"

#define H SCAN_CONF_HIGH
#define M SCAN_CONF_MEDIUM
#define L SCAN_CONF_LOW
const struct rule scan_rules[] = {
#include "scan/rules/devops.inc"
#include "scan/rules/messaging.inc"
#include "scan/rules/ai.inc"
#include "scan/rules/cloud.inc"
#include "scan/rules/commerce.inc"
#include "scan/rules/packages.inc"
#include "scan/rules/apps.inc"
#include "scan/rules/structure.inc"
};
#undef H
#undef M
#undef L
const size_t scan_nrules = sizeof(scan_rules) / sizeof(scan_rules[0]);
