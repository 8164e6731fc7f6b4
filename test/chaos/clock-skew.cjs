// Test-only preload (NODE_OPTIONS="--require <this file>"): shifts Date.now() and new Date() by CHAOS_CLOCK_SKEW_MS,
// so an agent process runs with a clock ahead of (or behind) the simulator's, as a controller whose clock drifted.
"use strict";
const skewMs = Number(process.env.CHAOS_CLOCK_SKEW_MS || 0);
if (Number.isFinite(skewMs) && skewMs !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const skewedNow = () => realNow() + skewMs;
  globalThis.Date = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return Reflect.construct(target, args.length === 0 ? [skewedNow()] : args, newTarget);
    },
    apply() {
      return new RealDate(skewedNow()).toString();
    },
    get(target, property, receiver) {
      if (property === "now") return skewedNow;
      return Reflect.get(target, property, receiver);
    },
  });
}
