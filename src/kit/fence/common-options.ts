// The options every fence agent of the fencing library accepts, with their spellings and defaults.
import type { ParamSpec } from "../params.js";

/** Library options shared by every fence agent (fencing.py's defaults), in their metadata order. */
export const COMMON_FENCE_OPTIONS = [
  { name: "action", type: "string", short: "o", metavar: "action", shortdesc: "Fencing action", order: 1 },
  {
    name: "plug", type: "string", short: "n", metavar: "id", aliases: ["port"], order: 1,
    shortdesc: "Physical plug number on device, UUID or identification of machine",
  },
  { name: "nodename", type: "string", hidden: true, shortdesc: "Cluster node name of the target (sent by Pacemaker; ignored)" },
  { name: "quiet", type: "boolean", short: "q", order: 50, shortdesc: "Disable logging to stderr." },
  { name: "verbose", type: "boolean", short: "v", order: 51, shortdesc: "Verbose mode: debug logging to stderr." },
  { name: "verbose_level", type: "integer", order: 52, shortdesc: "Level of debugging detail in output (any value above 0 means verbose)." },
  {
    name: "debug_file", type: "string", short: "D", metavar: "debugfile", aliases: ["debug"], order: 53,
    shortdesc: "Write debug information to given file",
  },
  { name: "separator", type: "string", short: "C", metavar: "char", default: ",", order: 100, shortdesc: "Separator for CSV created by 'list' operation" },
  { name: "plug_separator", type: "string", metavar: "char", default: ",", order: 100, shortdesc: "Separator for plug parameter when specifying more than 1 plug" },
  { name: "delay", type: "second", metavar: "seconds", default: 0, min: 0, order: 200, shortdesc: "Wait X seconds before fencing is started" },
  { name: "disable_timeout", type: "boolean", metavar: "true/false", order: 200, shortdesc: "Disable timeout (true/false) (default: true when run from Pacemaker 2.0+)" },
  { name: "login_timeout", type: "second", metavar: "seconds", default: 5, min: 0, order: 200, shortdesc: "Wait X seconds for cmd prompt after login" },
  { name: "power_timeout", type: "second", metavar: "seconds", default: 20, min: 0, order: 200, shortdesc: "Test X seconds for status change after ON/OFF" },
  { name: "power_wait", type: "second", metavar: "seconds", default: 0, min: 0, order: 200, shortdesc: "Wait X seconds after issuing ON/OFF" },
  { name: "shell_timeout", type: "second", metavar: "seconds", default: 180, min: 0, order: 200, shortdesc: "Wait X seconds for cmd prompt after issuing command" },
  { name: "stonith_status_sleep", type: "second", metavar: "seconds", default: 1, min: 0, order: 200, shortdesc: "Sleep X seconds between status calls during a STONITH action" },
  { name: "retry_on", type: "integer", metavar: "attempts", default: 1, min: 0, order: 200, shortdesc: "Count of attempts to retry power on" },
] as const satisfies readonly ParamSpec[];
