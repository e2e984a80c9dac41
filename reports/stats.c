/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * stats.c — numeric routines behind stats.h. Published algorithms only: AS 241
 * for the normal quantile, Hill's algorithm 396 plus Newton refinement on the
 * regularized incomplete beta function (Lentz's continued fraction) for t.
 * It does not know what the numbers mean and never allocates.
 */
#include "stats.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static double poly(const double *c, int n, double x)
{
	double r = 0.0;

	for (int i = n - 1; i >= 0; i--)
		r = r * x + c[i];
	return r;
}

double stats_normal_quantile(double p)
{
	static const double a[8] = { 3.3871328727963666080e0, 1.3314166789178437745e+2,
		1.9715909503065514427e+3, 1.3731693765509461125e+4, 4.5921953931549871457e+4,
		6.7265770927008700853e+4, 3.3430575583588128105e+4, 2.5090809287301226727e+3 };
	static const double b[8] = { 1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
		5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
		2.8729085735721942674e+4, 5.2264952788528545610e+3 };
	static const double c[8] = { 1.42343711074968357734e0, 4.63033784615654529590e0,
		5.76949722146069140550e0, 3.64784832476320460504e0, 1.27045825245236838258e0,
		2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4 };
	static const double d[8] = { 1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
		6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
		5.47593808499534494600e-4, 1.05075007164441684324e-9 };
	static const double e[8] = { 6.65790464350110377720e0, 5.46378491116411436990e0,
		1.78482653991729133580e0, 2.96560571828504891230e-1, 2.65321895265761230930e-2,
		1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7 };
	static const double f[8] = { 1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
		1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
		1.42151175831644588870e-7, 2.04426310338993978564e-15 };
	double q, r, x;

	if (isnan(p) || p < 0.0 || p > 1.0)
		return NAN;
	if (p == 0.0)
		return -HUGE_VAL;
	if (p == 1.0)
		return HUGE_VAL;
	q = p - 0.5;
	if (fabs(q) <= 0.425) {
		r = 0.180625 - q * q;
		return q * poly(a, 8, r) / poly(b, 8, r);
	}
	r = q < 0.0 ? p : 1.0 - p;
	r = sqrt(-log(r));
	if (r <= 5.0) {
		r -= 1.6;
		x = poly(c, 8, r) / poly(d, 8, r);
	} else {
		r -= 5.0;
		x = poly(e, 8, r) / poly(f, 8, r);
	}
	return q < 0.0 ? -x : x;
}

double stats_normal_cdf(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

/* Continued fraction for the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa, del;

		aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
	double bt;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1.0) / (a + b + 2.0))
		return bt * beta_cf(a, b, x) / a;
	return 1.0 - bt * beta_cf(b, a, 1.0 - x) / b;
}

double stats_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || !(df > 0.0))
		return NAN;
	tail = 0.5 * beta_inc(df / 2.0, 0.5, df / (df + t * t));
	return t >= 0.0 ? 1.0 - tail : tail;
}

/* Student-t density, for the Newton steps. */
static double t_pdf(double t, double df)
{
	return exp(lgamma((df + 1.0) / 2.0) - lgamma(df / 2.0) - 0.5 * log(df * M_PI) -
		   (df + 1.0) / 2.0 * log1p(t * t / df));
}

/* Hill (1970), algorithm 396: t with P(|T| > t) = two_sided for df degrees. */
static double t_hill(double two_sided, double n)
{
	double a, b, c, d, x, y;

	if (n == 1.0) {
		double h = two_sided * M_PI / 2.0;
		return cos(h) / sin(h);
	}
	if (n == 2.0)
		return sqrt(2.0 / (two_sided * (2.0 - two_sided)) - 2.0);
	a = 1.0 / (n - 0.5);
	b = 48.0 / (a * a);
	c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36;
	d = ((94.5 / (b + c) - 3.0) / b + 1.0) * sqrt(a * M_PI / 2.0) * n;
	x = d * two_sided;
	y = pow(x, 2.0 / n);
	if (y > 0.05 + a) {
		x = stats_normal_quantile(two_sided * 0.5);
		y = x * x;
		if (n < 5.0)
			c += 0.3 * (n - 4.5) * (x + 0.6);
		c = (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b + c;
		y = (((((0.4 * y + 6.3) * y + 36.0) * y + 94.5) / c - y - 3.0) / b + 1.0) * x;
		y = expm1(a * y * y);
	} else {
		y = ((1.0 / (((n + 6.0) / (n * y) - 0.089 * d - 0.822) * (n + 2.0) * 3.0) +
		      0.5 / (n + 4.0)) * y - 1.0) * (n + 1.0) / (n + 2.0) + 1.0 / y;
	}
	return sqrt(n * y);
}

double stats_t_quantile(double p, double df)
{
	double t, two_sided;

	if (isnan(p) || !(p > 0.0 && p < 1.0) || !(df >= 1.0))
		return NAN;
	if (p == 0.5)
		return 0.0;
	two_sided = 2.0 * (p < 0.5 ? p : 1.0 - p);
	t = t_hill(two_sided, df);
	if (p < 0.5)
		t = -t;
	for (int i = 0; i < 8; i++) {
		double f = stats_t_cdf(t, df) - p, dens = t_pdf(t, df), step;

		if (!(dens > 0.0))
			break;
		step = f / dens;
		t -= step;
		if (fabs(step) < 1e-12 * (1.0 + fabs(t)))
			break;
	}
	return t;
}

int stats_agresti_coull(double x, double n, double *low, double *high)
{
	const double z = STATS_Z95;
	double nt, pt, half;

	if (!(n > 0.0) || x < 0.0 || x > n)
		return -1;
	nt = n + z * z;
	pt = (x + z * z / 2.0) / nt;
	half = z * sqrt(pt * (1.0 - pt) / nt);
	*low = pt - half < 0.0 ? 0.0 : pt - half;
	*high = pt + half > 1.0 ? 1.0 : pt + half;
	return 0;
}

int stats_mean_ci(const double *v, const double *w, size_t n, double *mean, double *low, double *high)
{
	double cnt = 0.0, sum = 0.0, ss = 0.0, m, s, h;

	for (size_t i = 0; i < n; i++) {
		cnt += w ? w[i] : 1.0;
		sum += (w ? w[i] : 1.0) * v[i];
	}
	if (cnt == 0.0)
		return -1;
	m = sum / cnt;
	*mean = m;
	*low = NAN;
	*high = NAN;
	if (cnt < 2.0)
		return 0;
	for (size_t i = 0; i < n; i++)
		ss += (w ? w[i] : 1.0) * (v[i] - m) * (v[i] - m);
	s = sqrt(ss / (cnt - 1.0));
	h = stats_t_quantile(0.975, cnt - 1.0) * s / sqrt(cnt);
	*low = m - h;
	*high = m + h;
	return 0;
}

int stats_geomean_ci(const double *v, size_t n, double min_value, double *gm, double *low,
                     double *high)
{
	double sum = 0.0, ss = 0.0, m, s, h;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		sum += log(v[i] < min_value ? min_value : v[i]);
	m = sum / (double)n;
	*gm = exp(m);
	*low = NAN;
	*high = NAN;
	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++) {
		double l = log(v[i] < min_value ? min_value : v[i]) - m;
		ss += l * l;
	}
	s = sqrt(ss / (double)(n - 1));
	h = stats_t_quantile(0.975, (double)(n - 1)) * s / sqrt((double)n);
	*low = exp(m - h);
	*high = exp(m + h);
	return 0;
}

double stats_median_sorted(const double *v, size_t n)
{
	if (n == 0)
		return NAN;
	if (n % 2 == 1)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int stats_two_proportion_p(double x1, double n1, double x2, double n2, double *p_value)
{
	double p, se, z;

	if (!(n1 > 0.0) || !(n2 > 0.0))
		return -1;
	p = (x1 + x2) / (n1 + n2);
	se = sqrt(p * (1.0 - p) * (1.0 / n1 + 1.0 / n2));
	if (!(se > 0.0)) {
		*p_value = 1.0;
		return 0;
	}
	z = (x1 / n1 - x2 / n2) / se;
	*p_value = erfc(fabs(z) / sqrt(2.0));
	return 0;
}
