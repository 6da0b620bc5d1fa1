// @ts-check
'use strict';
// Three small source patches applied to FerretDB v1.24.2 before `go build` (see README, "FerretDB").
//
// Measured here on the unpatched build: every lookup, update and delete by `_id` read the
// WHOLE table (findOne by _id in a 20,000-document collection: 21 ms; `_id: {$in: 50 ids}`:
// 450 ms; 3,000 ids in 158k event ids: 15 s). Cause: the SQLite backend queries `_id` as
// `_ferretdb_sjson->'$._id'` while its unique index is on `_ferretdb_sjson->"_id"`; SQLite
// only uses an expression index for the same expression, so it scans. Both spellings mean the
// same JSON path (SQLite reads a bare label X as '$.X'), so the patch makes the query use the
// index's spelling. The second patch lets the `_id` pre-filter also apply when the filter has
// more keys than `_id`, or is `_id: {$in: [strings]}` — FerretDB's handlers filter every
// fetched document again by the full filter, so pushdown only has to narrow, never decide.
//
// The third: an update command ran each of its statements' queries on a pooled SQLite
// connection (100 per database) and closed them all only when the whole command ended, so a few
// concurrent commands of 50 statements took every connection and waited for one more for ever
// (a deadlock; test/integration/foundation/mongo.spec.ts). Each statement now closes its own.

/** Bump when the patches change: the cached binary lives in a folder named after it. */
const PATCH_LEVEL = 'iw3';

const ID_IN = `
// iwIDPushdown (Indicator Watch patch): a WHERE clause narrowing a query to the _id values the
// filter names — a string or ObjectID, or {$in: [strings]}. Empty when it cannot narrow.
func iwIDPushdown(filter *types.Document) (string, []any) {
	n := 0
	for _, k := range filter.Keys() {
		if k == "_id" {
			n++
		}
	}
	if n != 1 {
		return "", nil
	}
	v, _ := filter.Get("_id")
	switch v := v.(type) {
	case string, types.ObjectID:
		return fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
	case *types.Document:
		if v.Len() != 1 {
			return "", nil
		}
		in, err := v.Get("$in")
		if err != nil {
			return "", nil
		}
		arr, ok := in.(*types.Array)
		if !ok || arr.Len() == 0 || arr.Len() > 10000 {
			return "", nil
		}
		placeholders := make([]string, arr.Len())
		args := make([]any, arr.Len())
		for i := 0; i < arr.Len(); i++ {
			e, _ := arr.Get(i)
			s, ok := e.(string)
			if !ok {
				return "", nil
			}
			placeholders[i] = "?"
			args[i] = string(must.NotFail(sjson.MarshalSingleValue(s)))
		}
		return fmt.Sprintf(\` WHERE %s IN (%s)\`, metadata.IDColumn, strings.Join(placeholders, ", ")), args
	}
	return "", nil
}
`;

/** @type {Array<{file: string, find: string, replace: string, count: number}>} */
const PATCHES = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: `IDColumn = DefaultColumn + "->\\"_id\\"" // Indicator Watch patch: the unique index's own spelling`,
    count: 1,
  },
  {
    // Query (and Explain): narrow by _id whatever else the filter says.
    file: 'internal/backends/sqlite/collection.go',
    find: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}`,
    replace: `	if params.Filter.Len() >= 1 {
		whereClause, args = iwIDPushdown(params.Filter)
	}`,
    count: 1,
  },
  {
    // Explain says what Query does (tests assert the plan uses the `_id` index).
    file: 'internal/backends/sqlite/collection.go',
    find: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}`,
    replace: `	if params.Filter.Len() >= 1 {
		whereClause, args = iwIDPushdown(params.Filter)
		filterPushdown = whereClause != ""
	}`,
    count: 1,
  },
  {
    // Update: a statement's query iterator (and its pooled connection) is closed when the
    // statement is done, not deferred to the end of the command.
    file: 'internal/handler/msg_update.go',
    find: `		closer := iterator.NewMultiCloser()
		defer closer.Close()

		closer.Add(res.Iter)`,
    replace: `		closer := iterator.NewMultiCloser() // Indicator Watch patch: closed after this statement

		closer.Add(res.Iter)`,
    count: 1,
  },
  {
    file: 'internal/handler/msg_update.go',
    find: `		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		if err != nil {`,
    replace: `		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		closer.Close()
		if err != nil {`,
    count: 1,
  },
];

/**
 * Applies the patches to a writable copy of the module source; throws when the source is not
 * what the patches expect (a different FerretDB version), so nothing half-patched gets built.
 * @param {string} srcDir
 */
function applyPatches(srcDir) {
  const fs = require('node:fs');
  const path = require('node:path');
  for (const p of PATCHES) {
    const file = path.join(srcDir, p.file);
    const text = fs.readFileSync(file, 'utf8');
    const found = text.split(p.find).length - 1;
    if (found !== p.count)
      throw new Error(`FerretDB patch: expected ${p.count} occurrence(s) in ${p.file}, found ${found}`);
    fs.writeFileSync(file, text.split(p.find).join(p.replace));
  }
  fs.appendFileSync(path.join(srcDir, 'internal/backends/sqlite/collection.go'), ID_IN);
}

module.exports = { PATCH_LEVEL, applyPatches };
