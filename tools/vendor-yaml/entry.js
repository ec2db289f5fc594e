// The parts of eemeli/yaml the filing form uses to edit a filing in place: the document with
// every node's source range, so that a change rewrites only the characters it changes.
import { parseDocument, isMap, isSeq, isScalar, isPair } from "yaml";

window.siteGenYaml = { parseDocument, isMap, isSeq, isScalar, isPair };
