// Reads all of standard input, as pacemaker-fenced writes it; an interactive terminal counts as empty.

/** The whole of stdin as text ("" when stdin is a TTY or closed). */
export async function readAllStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stream.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
