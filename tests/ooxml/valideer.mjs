// Validates every .docx named on the command line in one Node process (the runtime starts once)
// and prints {"file": [errors...]} as JSON. Used by tests/test_ooxml.py.
import { readFile } from "node:fs/promises";
import validate from "@ooxml-tools/validate";

const result = {};
for (const file of process.argv.slice(2)) {
  const data = await readFile(file);
  result[file] = await validate(new Uint8Array(data), "docx", process.env.OOXML_PROFIEL || "Microsoft365");
}
process.stdout.write(JSON.stringify(result));
