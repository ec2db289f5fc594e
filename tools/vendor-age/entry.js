// The filing form's age encryption (docs/assets/vendor/age/age.js is this file bundled):
// seal a text to X25519 recipients (age1…), ASCII-armoured as `site-gen contacts seal` writes.
import { Encrypter, armor } from "age-encryption";

globalThis.siteGenAge = {
  seal: async function (text, recipients) {
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    return armor.encode(await e.encrypt(text));
  },
};
