/**
 * Loaded with `--import` (through NODE_OPTIONS, so into every process a demo starts): their clocks
 * read CLOCK_BEHIND_MS earlier than the machine's, as if that run had happened then. Behind, not
 * ahead, so the emulators' certificates are already valid when a later run checks them.
 */
const behind = Number(process.env.CLOCK_BEHIND_MS ?? 0);
const RealDate = Date;
const now = () => RealDate.now() - behind;

globalThis.Date = new Proxy(RealDate, {
  construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
  apply: () => new RealDate(now()).toString(),
  get: (target, key, receiver) => (key === 'now' ? now : Reflect.get(target, key, receiver)),
});
