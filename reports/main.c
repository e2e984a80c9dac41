/* SPDX-License-Identifier: EUPL-1.2 */
/* main.c — lotse-report entry point (placeholder while the reporter is built). */
#include <stdio.h>
int main(void)
{
	fprintf(stderr, "lotse-report: not yet built\n");
	return 1;
}
