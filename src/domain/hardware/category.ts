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
  { category: 'watch', model: /\b(apple )?watch\b/i },
  // Intune manages HoloLens (Windows) and Meta Quest and RealWear headsets (Android): not phones.
  { category: 'headset', model: /\b(vision pro|hololens|realwear|(meta|oculus) quest|quest ([23]s?|pro))\b/i },
  { category: 'laptop', model: /\bmacbook\b/i },
  { category: 'desktop', model: /\b(imac|mac mini|mac studio|mac pro)\b/i },
  { category: 'server', model: /\b(poweredge|proliant|thinksystem|primergy|xserve)\b/i },
  { category: 'desktop', model: /\b(surface studio)\b/i },
  { category: 'other', model: /\b(surface hub)\b/i },
  { category: 'laptop', model: /\bsurface (pro|go|laptop|book)\b/i },
  { category: 'tablet', model: /\b(galaxy tab|pixel tablet|lenovo tab|\btab [as]\d|mediapad|matepad|fire hd)\b/i },
  { category: 'tablet', model: /^SM-[TX]\d/i },
  { category: 'phone', model: /^SM-[AGNSFMZ]\d/i },
  { category: 'desktop', model: /\b(tower|desktop|sff|small form factor|all-in-one|aio|optiplex|elitedesk|prodesk|eliteone|thinkcentre|thinkstation|z\d tower|mini pc|nuc)\b/i },
  { category: 'laptop', model: /\b(laptop|notebook|chromebook|latitude|xps|inspiron|vostro|precision \d{4}\b(?! tower)|elitebook|probook|zbook|spectre|envy|pavilion|omen|thinkpad|ideapad|thinkbook|yoga|legion|zenbook|vivobook|expertbook|rog|swift|aspire|travelmate|galaxy book|dragonfly|framework)\b/i },
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
