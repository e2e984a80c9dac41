/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * flows.c — the flow nodes of flows.h. Nodes of flow ids form a union-find
 * forest (union by size, path halving); the root of a tree holds the state
 * of the whole flow. A visit node holds its own state until an event links
 * it to an id: then its state is merged into the id's root and later events
 * of the visit go there. Field errors are kept by the node the event
 * touched and summed per flow when the flow is handed over, so a flow with
 * an error on two of its nodes counts as one affected flow.
 *
 * Rows arrive in storage order, which is nearly but not exactly time order
 * (events may carry an age): a state keeps its earliest start, the earliest
 * completion at or after it, and the two latest completions seen before its
 * current earliest start, so a start that arrives late still finds them.
 * Merging two states replays one into the other by the same rules.
 */
#include "flows.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

/* A visit key on a local day of one site and service. */
struct vnode {
	uint64_t visit;
	uint32_t site, service;
	int32_t day;
	uint32_t pad;            /* key ends here */
	struct flows_state st;   /* while link is 0 */
	uint32_t link;           /* 0, or the index + 1 of the id node it joined */
	uint32_t pad2;
};

/* A flow id of one site and service. */
struct inode {
	uint64_t hash;
	uint32_t site, service;  /* key ends here */
	uint32_t parent, size;
	struct flows_state st;   /* of the whole flow when parent is itself */
};

/* The count of one (field, error) on one node. */
struct enode {
	uint32_t node, field, error; /* key ends here */
	uint32_t count;
};

#define VNODE_KEY offsetof(struct vnode, st)
#define INODE_KEY offsetof(struct inode, parent)
#define ENODE_KEY offsetof(struct enode, count)

/* Keys are compared as bytes: no hidden padding may sit inside them. */
_Static_assert(VNODE_KEY == sizeof(uint64_t) + 4 * sizeof(uint32_t), "vnode key is packed");
_Static_assert(INODE_KEY == sizeof(uint64_t) + 2 * sizeof(uint32_t), "inode key is packed");
_Static_assert(ENODE_KEY == 3 * sizeof(uint32_t), "enode key is packed");

void flows_init(struct flows *f)
{
	tab_init(&f->ids, INODE_KEY, sizeof(struct inode));
	tab_init(&f->errors, ENODE_KEY, sizeof(struct enode));
}

void flows_free(struct flows *f)
{
	tab_free(&f->ids);
	tab_free(&f->errors);
}

void flows_day_init(struct flows_day *d)
{
	tab_init(&d->visits, VNODE_KEY, sizeof(struct vnode));
	tab_init(&d->errors, ENODE_KEY, sizeof(struct enode));
}

void flows_day_free(struct flows_day *d)
{
	tab_free(&d->visits);
	tab_free(&d->errors);
}

static void state_init(struct flows_state *st)
{
	memset(st, 0, sizeof *st);
	st->start = FLOWS_NO_TIME;
	st->complete = FLOWS_NO_TIME;
}

static void state_start(struct flows_state *st, int64_t t, uint32_t device)
{
	if (t >= st->start)
		return;
	st->start = t;
	st->device = device;
	/* Completions seen before this earlier start may now count. */
	for (int i = 0; i < st->n_early;) {
		if (st->early[i] >= st->start) {
			if (st->early[i] < st->complete)
				st->complete = st->early[i];
			st->early[i] = st->early[--st->n_early];
		} else {
			i++;
		}
	}
}

static void state_complete(struct flows_state *st, int64_t t)
{
	if (t >= st->start) {
		if (t < st->complete)
			st->complete = t;
	} else if (st->n_early < 2) {
		st->early[st->n_early++] = t;
	} else {
		/* Keep the two latest: only they can follow a start that arrives late. */
		int lo = st->early[0] < st->early[1] ? 0 : 1;

		if (t > st->early[lo])
			st->early[lo] = t;
	}
}

/* Replays src into dst: the state of both nodes' events together. */
static void state_merge(struct flows_state *dst, const struct flows_state *src)
{
	if (src->start != FLOWS_NO_TIME)
		state_start(dst, src->start, src->device);
	if (src->complete != FLOWS_NO_TIME)
		state_complete(dst, src->complete);
	for (int i = 0; i < src->n_early; i++)
		state_complete(dst, src->early[i]);
	if (src->max_step > dst->max_step)
		dst->max_step = src->max_step;
}

static void state_apply(struct flows_state *st, const struct flows_event *ev)
{
	switch (ev->type) {
	case EVENT_FLOW_START:
		state_start(st, ev->time_ms, ev->device);
		break;
	case EVENT_FLOW_STEP:
		if (ev->step >= 1 && ev->step <= UINT8_MAX && ev->step > st->max_step)
			st->max_step = (uint8_t)ev->step;
		break;
	case EVENT_FLOW_COMPLETE:
		state_complete(st, ev->time_ms);
		break;
	default:
		break;
	}
}

static struct inode *inode_at(const struct tab *ids, uint32_t i)
{
	assert(i < ids->n);
	return tab_at(ids, i);
}

/* The root of id node i's tree, halving the path on the way. */
static uint32_t find_root(struct tab *ids, uint32_t i)
{
	struct inode *n = inode_at(ids, i);

	while (n->parent != i) {
		n->parent = inode_at(ids, n->parent)->parent;
		i = n->parent;
		n = inode_at(ids, i);
	}
	return i;
}

/* Joins the trees of id nodes a and b; returns the new root. */
static uint32_t unite(struct tab *ids, uint32_t a, uint32_t b)
{
	uint32_t ra = find_root(ids, a), rb = find_root(ids, b), t;
	struct inode *na, *nb;

	if (ra == rb)
		return ra;
	na = inode_at(ids, ra);
	nb = inode_at(ids, rb);
	if (na->size < nb->size) {
		t = ra;
		ra = rb;
		rb = t;
		na = inode_at(ids, ra);
		nb = inode_at(ids, rb);
	}
	assert(na->site == nb->site && na->service == nb->service);
	nb->parent = ra;
	na->size += nb->size;
	state_merge(&na->st, &nb->st);
	return ra;
}

/* Adds count to (node, field, error) of errors. Returns 0 or -1. */
static int error_add(struct tab *errors, uint32_t node, uint32_t field, uint32_t error, uint32_t count)
{
	struct enode k, *e;

	memset(&k, 0, sizeof k);
	k.node = node;
	k.field = field;
	k.error = error;
	e = tab_get(errors, &k, NULL);
	if (e == NULL)
		return -1;
	e->count += count;
	return 0;
}

int flows_add(struct flows *f, struct flows_day *d, const struct flows_key *k,
              const struct flows_event *ev)
{
	uint32_t id = 0, vidx = 0;
	struct vnode *v = NULL;
	struct flows_state *st;
	int created, by_id;

	if (!k->has_visit && !k->has_id)
		return 0; /* nothing links it: step totals only (the caller's) */
	if (k->has_id) {
		struct inode key, *n;

		memset(&key, 0, sizeof key);
		key.hash = k->id_hash;
		key.site = k->site;
		key.service = k->service;
		if (tab_upsert(&f->ids, &key, &id, &created) != 0)
			return -1;
		n = tab_at(&f->ids, id);
		if (created) {
			n->parent = id;
			n->size = 1;
			state_init(&n->st);
		}
	}
	if (k->has_visit) {
		struct vnode key;

		assert(d != NULL);
		memset(&key, 0, sizeof key);
		key.visit = k->visit;
		key.site = k->site;
		key.service = k->service;
		key.day = k->day;
		if (tab_upsert(&d->visits, &key, &vidx, &created) != 0)
			return -1;
		v = tab_at(&d->visits, vidx);
		if (created)
			state_init(&v->st);
		if (k->has_id) {
			if (v->link == 0) {
				/* The visit meets its first id: its flow so far becomes the id's. */
				state_merge(&inode_at(&f->ids, find_root(&f->ids, id))->st, &v->st);
				v->link = id + 1;
			} else {
				unite(&f->ids, v->link - 1, id);
			}
		} else if (v->link != 0) {
			id = v->link - 1;
		}
	}
	by_id = k->has_id || (v != NULL && v->link != 0);
	st = by_id ? &inode_at(&f->ids, find_root(&f->ids, id))->st : &v->st;
	state_apply(st, ev);
	if (ev->type == EVENT_FIELD_ERROR) {
		assert(ev->count >= 1);
		return by_id ? error_add(&f->errors, id, ev->field, ev->error, ev->count)
			     : error_add(&d->errors, vidx, ev->field, ev->error, ev->count);
	}
	return 0;
}

int flows_day_fold(struct flows *f, struct flows_day *d, flows_flow_fn flow_fn,
                   flows_error_fn error_fn, void *ctx)
{
	int rc = -1;

	for (uint32_t i = 0; i < d->errors.n; i++) {
		const struct enode *e = tab_at(&d->errors, i);
		const struct vnode *v = tab_at(&d->visits, e->node);

		if (v->link != 0) {
			if (error_add(&f->errors, v->link - 1, e->field, e->error, e->count) != 0)
				goto out;
		} else if (error_fn(ctx, v->site, v->service, &v->st, e->field, e->error, e->count) != 0) {
			goto out;
		}
	}
	for (uint32_t i = 0; i < d->visits.n; i++) {
		const struct vnode *v = tab_at(&d->visits, i);

		if (v->link == 0 && flow_fn(ctx, v->site, v->service, &v->st) != 0)
			goto out;
	}
	rc = 0;
out:
	tab_clear(&d->visits);
	tab_clear(&d->errors);
	return rc;
}

int flows_finish(struct flows *f, flows_flow_fn flow_fn, flows_error_fn error_fn, void *ctx)
{
	struct tab per_flow;
	int rc = -1;

	/* Errors of one flow may sit on several of its nodes: sum them by root first. */
	tab_init(&per_flow, ENODE_KEY, sizeof(struct enode));
	for (uint32_t i = 0; i < f->errors.n; i++) {
		const struct enode *e = tab_at(&f->errors, i);

		if (error_add(&per_flow, find_root(&f->ids, e->node), e->field, e->error, e->count) != 0)
			goto out;
	}
	for (uint32_t i = 0; i < per_flow.n; i++) {
		const struct enode *e = tab_at(&per_flow, i);
		const struct inode *n = inode_at(&f->ids, e->node);

		if (error_fn(ctx, n->site, n->service, &n->st, e->field, e->error, e->count) != 0)
			goto out;
	}
	for (uint32_t i = 0; i < f->ids.n; i++) {
		const struct inode *n = tab_at(&f->ids, i);

		if (n->parent == i && flow_fn(ctx, n->site, n->service, &n->st) != 0)
			goto out;
	}
	rc = 0;
out:
	tab_free(&per_flow);
	flows_free(f);
	flows_init(f);
	return rc;
}
