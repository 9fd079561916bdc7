import assert from "node:assert/strict";
import { TreeBuffer, treeNames } from "./tree_names.ts";

function entry(mode: string, name: string, oidBytes: number): Uint8Array {
  const head = new TextEncoder().encode(`${mode} ${name}\0`);
  const out = new Uint8Array(head.length + oidBytes);
  out.set(head);
  out.fill(0x20, head.length); // an oid may hold any byte, spaces and NULs too
  return out;
}

Deno.test("treeNames: every entry's name, as a path, whatever bytes the oids hold", () => {
  for (const oidBytes of [20, 32]) {
    const parts = [entry("100644", "a.txt", oidBytes), entry("40000", "keys dir", oidBytes)];
    const tree = new Uint8Array(parts[0].length + parts[1].length);
    tree.set(parts[0]);
    tree.set(parts[1], parts[0].length);
    assert.deepEqual(treeNames(tree, oidBytes, ""), ["a.txt", "keys dir"]);
    assert.deepEqual(treeNames(tree, oidBytes, "src"), ["src/a.txt", "src/keys dir"]);
  }
  assert.throws(() => treeNames(new TextEncoder().encode("100644 no-nul"), 20, ""), /malformed/);
});

Deno.test("TreeBuffer: keeps a tree up to its limit, then says no", () => {
  const buffer = new TreeBuffer(4);
  assert.equal(buffer.push(new Uint8Array([1, 2])), true);
  assert.equal(buffer.push(new Uint8Array([3, 4])), true);
  assert.deepEqual([...buffer.bytes()], [1, 2, 3, 4]);
  assert.equal(buffer.push(new Uint8Array([5])), false);
});
