/* SPDX-License-Identifier: EUPL-1.2 */
/* lotse.js — placeholder; the real portal script is issue 4. */
