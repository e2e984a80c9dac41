/* SPDX-License-Identifier: EUPL-1.2 */
/* main.c — lotse-collector entry point (placeholder while the foundation lands). */
#include <stdio.h>
int main(void)
{
	fprintf(stderr, "lotse-collector: not yet built\n");
	return 1;
}
