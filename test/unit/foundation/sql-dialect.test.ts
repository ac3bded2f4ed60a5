// The SQL each dialect emits: placeholders in order of appearance, lists of values, booleans, NULL order, row
// locks, upserts and the rows of a RETURNING statement; and which dialect a DataSource gets.
import { postgresDialect, sqlDialect, sqliteDialect } from "../../../src/infra/sql-dialect";

describe("PostgreSQL dialect", () => {
  const sql = postgresDialect;

  it("numbers placeholders in order of appearance, a value used twice taking two", () => {
    const q = sql.params();
    expect(`a = ${q.p("x")} AND b = ${q.p(2)} AND c = ${q.p("x")}`).toBe("a = $1 AND b = $2 AND c = $3");
    expect(q.values).toEqual(["x", 2, "x"]);
  });

  it("passes a list of values as one array parameter", () => {
    const q = sql.params();
    expect(`${q.p("first")} ${q.in("agency_id", ["a", "b"])}`).toBe("$1 agency_id = ANY($2::varchar[])");
    expect(q.values).toEqual(["first", ["a", "b"]]);
    const none = sql.params();
    expect(none.in("id", [], "int")).toBe("id = ANY($1::int[])");
    expect(none.values).toEqual([[]]);
  });

  it("writes booleans, NULLs last and a row lock", () => {
    expect(sql.bool(true)).toBe("true");
    expect(sql.bool(false)).toBe("false");
    expect(sql.descNullsLast("e.written_date")).toBe("e.written_date DESC NULLS LAST");
    const q = sql.params();
    expect(sql.lockRow(q, "applications", "id-1")).toBe("SELECT id FROM applications WHERE id = $1 FOR UPDATE");
    expect(q.values).toEqual(["id-1"]);
  });

  it("sets a statement timeout for the rest of the transaction, in whole milliseconds", () => {
    expect(sql.statementTimeout(1500.7)).toBe("SET LOCAL statement_timeout = 1500");
    expect(sql.statementTimeout(-5)).toBe("SET LOCAL statement_timeout = 0");
  });

  it("builds an upsert with its values as parameters", () => {
    const q = sql.params();
    const text = sql.upsert(q, {
      table: "counters",
      row: { agency_id: "a", name: "n", value: 1 },
      conflict: ["agency_id", "name"],
      update: "value = counters.value + excluded.value",
      returning: "value",
    });
    expect(text).toBe(
      "INSERT INTO counters (agency_id, name, value) VALUES ($1, $2, $3) ON CONFLICT (agency_id, name) DO UPDATE SET value = counters.value + excluded.value RETURNING value",
    );
    expect(q.values).toEqual(["a", "n", 1]);
    const plain = sql.params();
    expect(sql.upsert(plain, { table: "t", row: { k: 1 }, conflict: ["k"], update: "k = excluded.k" })).toBe(
      "INSERT INTO t (k) VALUES ($1) ON CONFLICT (k) DO UPDATE SET k = excluded.k",
    );
  });

  it("takes the rows of an UPDATE … RETURNING from TypeORM's [rows, count] and of an INSERT as they are", () => {
    expect(sql.returnedRows([[{ remaining: 0 }], 1])).toEqual([{ remaining: 0 }]);
    expect(sql.returnedRows([[], 0])).toEqual([]);
    expect(sql.returnedRows([{ value: 3 }])).toEqual([{ value: 3 }]);
    expect(sql.returnedRows(undefined)).toEqual([]);
  });
});

describe("SQLite dialect", () => {
  const sql = sqliteDialect;

  it("writes positional placeholders, one value per placeholder", () => {
    const q = sql.params();
    expect(`a = ${q.p("x")} AND b = ${q.p(2)} AND c = ${q.p("x")}`).toBe("a = ? AND b = ? AND c = ?");
    expect(q.values).toEqual(["x", 2, "x"]);
  });

  it("spells a list of values out, and an empty list as never true", () => {
    const q = sql.params();
    expect(`${q.p("first")} ${q.in("agency_id", ["a", "b"])}`).toBe("? agency_id IN (?, ?)");
    expect(q.values).toEqual(["first", "a", "b"]);
    const none = sql.params();
    expect(none.in("id", [])).toBe("1 = 0");
    expect(none.values).toEqual([]);
  });

  it("writes booleans as integers, relies on DESC for NULLs last and takes no row lock", () => {
    expect(sql.bool(true)).toBe("1");
    expect(sql.bool(false)).toBe("0");
    expect(sql.descNullsLast("e.written_date")).toBe("e.written_date DESC");
    const q = sql.params();
    expect(sql.lockRow(q, "applications", "id-1")).toBeNull();
    expect(q.values).toEqual([]);
    expect(sql.statementTimeout(1500)).toBeNull();
  });

  it("builds the same upsert with its own placeholders", () => {
    const q = sql.params();
    const text = sql.upsert(q, {
      table: "counters",
      row: { agency_id: "a", name: "n", value: 1 },
      conflict: ["agency_id", "name"],
      update: "value = counters.value + excluded.value",
      returning: "value",
    });
    expect(text).toBe(
      "INSERT INTO counters (agency_id, name, value) VALUES (?, ?, ?) ON CONFLICT (agency_id, name) DO UPDATE SET value = counters.value + excluded.value RETURNING value",
    );
    expect(q.values).toEqual(["a", "n", 1]);
  });

  it("takes the rows of a RETURNING statement as better-sqlite3 answers them", () => {
    expect(sql.returnedRows([{ remaining: 0 }])).toEqual([{ remaining: 0 }]);
    expect(sql.returnedRows([])).toEqual([]);
  });
});

describe("choosing the dialect", () => {
  it("gives PostgreSQL its dialect and every other driver SQLite's", () => {
    expect(sqlDialect({ options: { type: "postgres" } })).toBe(postgresDialect);
    expect(sqlDialect({ options: { type: "better-sqlite3" } })).toBe(sqliteDialect);
    expect(postgresDialect.name).toBe("postgres");
    expect(sqliteDialect.name).toBe("sqlite");
  });
});
