import { describe, expect, it } from "vitest";
import {
  ConnectorError,
  decodePageToken,
  decodeRecords,
  encodePageToken,
  encodeRecords,
  fitRecords,
  selectFields,
  serializedSize,
} from "../../src/sdk/index.js";

describe("records", () => {
  it("encodes objects, passes strings through", () => {
    expect(encodeRecords([{ a: 1 }, '{"b":2}'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it("decodes WriteData records; bad JSON names the index", () => {
    expect(decodeRecords(['{"a":1}', "{}"])).toEqual([{ a: 1 }, {}]);
    expect(decodeRecords(null)).toEqual([]);
    const bad = () => decodeRecords(["{}", "{nope"]);
    expect(bad).toThrow(ConnectorError);
    expect(bad).toThrow("records[1] is not valid JSON");
    expect(() => decodeRecords(["[1]"])).toThrow("records[0] is not a JSON object");
    try {
      bad();
    } catch (e) {
      expect((e as ConnectorError).errorCode).toBe("InvalidArgument");
    }
  });

  it("selects fields", () => {
    const r = { a: 1, b: null, c: 3 };
    expect(selectFields(r, ["a", "b", "zz"])).toEqual({ a: 1, b: null });
    expect(selectFields(r, null)).toBe(r);
  });
});

describe("page tokens", () => {
  it("round-trips opaque base64url JSON", () => {
    const token = encodePageToken({ offset: 500 });
    expect(token).toBe("eyJvZmZzZXQiOjUwMH0");
    expect(decodePageToken(token)).toEqual({ offset: 500 });
  });

  it("rejects garbage and failed validation with InvalidArgument", () => {
    const isOffset = (v: unknown): v is { offset: number } =>
      typeof v === "object" && v !== null && typeof (v as { offset?: unknown }).offset === "number";
    for (const bad of ["", "not base64!", "bm90IGpzb24", encodePageToken({ other: 1 })]) {
      expect(() => decodePageToken(bad, isOffset)).toThrow(
        expect.objectContaining({ errorCode: "InvalidArgument", message: "Invalid nextToken" }),
      );
    }
  });
});

describe("fitRecords", () => {
  it("keeps the prefix that fits and reports where to resume", () => {
    const records = Array.from({ length: 10 }, (_, i) => ({ i, pad: "x".repeat(100) }));
    const all = fitRecords(records);
    expect(all).toMatchObject({ count: 10, complete: true });
    const some = fitRecords(records, { maxBytes: 600, reservedBytes: 0 });
    expect(some.complete).toBe(false);
    expect(some.count).toBe(some.records.length);
    expect(serializedSize(some.records)).toBeLessThanOrEqual(600);
    expect(serializedSize([...some.records, JSON.stringify(records[some.count])])).toBeGreaterThan(600);
  });

  it("measures records as they appear in the response (escaped, UTF-8)", () => {
    const records = ['{"q":"\\"é\\""}'];
    const r = fitRecords(records, { maxBytes: serializedSize(records), reservedBytes: 0 });
    expect(r.complete).toBe(true);
    expect(() => fitRecords(records, { maxBytes: serializedSize(records) - 1, reservedBytes: 0 })).toThrow(
      /single record takes/,
    );
  });
});
