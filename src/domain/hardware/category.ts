export const CATEGORIES = ['laptop', 'desktop', 'phone', 'tablet', 'tv', 'watch', 'headset', 'server', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

interface Rule {
  category: Category;
  model?: RegExp;
  os?: RegExp;
}

/**
 * Best effort, first match wins: specific product lines before generic words, model before OS.
 * Admins re-categorise freely after import; the import never touches the category again.
 */
const RULES: readonly Rule[] = [
  { category: 'tablet', model: /\bipad\b/i },
  { category: 'phone', model: /\biphone\b/i },
  { category: 'tv', model: /\bapple tv\b/i },
  // "Galaxy Watch6" runs its number on.
  { category: 'watch', model: /\b(apple )?watch(\b|\d)/i },
  // Intune manages HoloLens (Windows) and Meta Quest and RealWear headsets (Android): not phones.
  { category: 'headset', model: /\b(vision pro|hololens|realwear|(meta|oculus) quest|quest ([23]s?|pro))\b/i },
  { category: 'laptop', model: /\bmacbook\b/i },
  { category: 'desktop', model: /\b(imac|mac mini|mac studio|mac pro)\b/i },
  // A Mac's model identifier, as some inventories report it (MacBookPro18,3, iMac21,1, Macmini9,1).
  { category: 'laptop', model: /^macbook(air|pro)?\d+,\d+$/i },
  { category: 'desktop', model: /^(imac(pro)?|macmini|macpro)\d+,\d+$/i },
  { category: 'server', model: /\b(poweredge|proliant|thinksystem|primergy|xserve)\b/i },
  { category: 'desktop', model: /\b(surface studio)\b/i },
  // Meeting-room bars, boards and their touch controllers: Intune enrols the Android ones, which are not phones.
  { category: 'other', model: /\b(surface hub|meeting ?(bar|board)|rally ?bar|roommate|(poly )?studio x\d+|poly tc\d+|neat ?(bar|board|pad|frame)|thinksmart)/i },
  // Zebra's rugged Android tablets (its TC and MC handhelds stay phones).
  { category: 'tablet', model: /\b(et[4-6]\d|zebra l10)\b/i },
  { category: 'laptop', model: /\bsurface (pro|go|laptop|book)\b/i },
  { category: 'tablet', model: /\b(galaxy tab|pixel tablet|lenovo tab|\btab [as]\d|mediapad|matepad|fire hd)\b/i },
  { category: 'tablet', model: /^SM-[TX]\d/i },
  { category: 'phone', model: /^SM-[AGNSFMZ]\d/i },
  /*
   * Lenovo's firmware gives a model as its ten-character machine type and model (21HM004GUS), and so
   * Windows and Intune report it. The type's first two digits name the line: 20 and 21 ThinkPad and
   * ThinkBook, 10 to 12 ThinkCentre, 30 ThinkStation.
   */
  { category: 'laptop', model: /^(?=.*[a-z])2[01][0-9a-z]{8}$/i },
  { category: 'desktop', model: /^(?=.*[a-z])(1[0-2]|30)[0-9a-z]{8}$/i },
  { category: 'desktop', model: /\b(tower|desktop|sff|small form factor|all-in-one|aio|optiplex|elitedesk|prodesk|eliteone|thinkcentre|thinkstation|z\d tower|mini pc|elite mini|pro mini|pro slim|pro micro|nuc(\d+[a-z]*)?|xps 8\d{3}|alienware aurora)\b/i },
  // Dell's business laptops since 2025 are named by screen size: Dell Pro 14, Dell Pro Max 16 Plus.
  { category: 'laptop', model: /\bpro( max| rugged)? 1[0-8]\b/i },
  { category: 'laptop', model: /\b(laptop|notebook|chromebook|latitude|xps|inspiron|vostro|precision \d{4}\b(?! tower)|elitebook|probook|zbook|omnibook|x360|spectre|envy|pavilion|omen|thinkpad|ideapad|thinkbook|yoga|legion|zenbook|vivobook|expertbook|rog|swift|aspire|travelmate|galaxy book\d*|dragonfly|framework|alienware [mx]\d+)\b/i },
  { category: 'phone', model: /\b(pixel \d|galaxy [szaf]\d*|galaxy note|oneplus|moto|xperia|nokia|redmi)\b/i },
  { category: 'tablet', os: /^ipados$/i },
  { category: 'phone', os: /^(ios|android)$/i },
  { category: 'tv', os: /^tvos$/i },
  { category: 'watch', os: /^watchos$/i },
  { category: 'headset', os: /^visionos$/i },
  { category: 'laptop', os: /^chrome ?os$/i },
];

export function inferCategory(model: string | null, operatingSystem: string | null): Category {
  for (const rule of RULES) {
    if (rule.model && (!model || !rule.model.test(model))) continue;
    if (rule.os && (!operatingSystem || !rule.os.test(operatingSystem))) continue;
    return rule.category;
  }
  return 'other';
}

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
