import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Writes a one-layer OCI image layout (what `skopeo copy oci:<dir>:<tag>` reads) holding the given
 * files. Returns the layer's digest, to recognise the image after a pull.
 */
export async function writeOciLayout(dir: string, tag: string, files: Record<string, string>): Promise<{ layerDigest: string }> {
  const content = join(dir, '..', `${tag}-content`);
  mkdirSync(content, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(content, name), text);
  const { stdout: tar } = await promisify(execFile)('tar', ['-c', '-C', content, ...Object.keys(files)], { encoding: 'buffer' });
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => {
    const hex = sha256(data);
    writeFileSync(join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const layer = put(gzipSync(tar));
  const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(tar)}`] }, config: {} })));
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { layerDigest: layer.digest };
}
