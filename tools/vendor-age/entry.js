// The portal's age encryption (site_gen/static/vendor/age/age.js is this file bundled):
// the filing form seals a text to X25519 recipients (age1…), ASCII-armoured as
// `site-gen contacts seal` writes; the /open/ page opens a report bundle (.zip.age, binary
// or armoured) with the officer's AGE-SECRET-KEY-1… keys, as `site-gen contacts open` does.
import { Encrypter, Decrypter, armor } from "age-encryption";

globalThis.siteGenAge = {
  seal: async function (text, recipients) {
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    return armor.encode(await e.encrypt(text));
  },
  // The plaintext (Uint8Array) of an age file (Uint8Array). Throws when no key matches
  // ("no identity matched any of the file's recipients") or the file is damaged.
  open: async function (file, identities) {
    const d = new Decrypter();
    for (const i of identities) d.addIdentity(i);
    const head = new TextDecoder().decode(file.subarray(0, 40));
    if (head.startsWith("-----BEGIN AGE ENCRYPTED FILE-----")) {
      file = armor.decode(new TextDecoder().decode(file));
    }
    return await d.decrypt(file);
  },
};
