import { openAsBlob } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { z } from 'zod';
import { parseConfig } from '@app/platform/config/platform-config';

// Uploads a list to a running beneficiary service and follows the import with a progress bar:
//   npm run import -- --file danh-sach.xlsx --programme TC_XH [--report bao-cao.csv]
// The token comes from --token or ANSINH_TOKEN (npm run token -- --role officer --province 42).
const USAGE = `Cách dùng: npm run import -- --file <tệp .xlsx|.csv> --programme <mã chương trình>
  [--url http://127.0.0.1:3001] [--token <mã truy cập> | ANSINH_TOKEN=…] [--report <bao-cao.csv|.xlsx>] [--interval 500]`;

interface JobView {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress: number;
  processedRows: number;
  insertedRows: number;
  duplicateRows: number;
  invalidRows: number;
  errorCode: string | null;
  errorMessage: string | null;
  reportCsv: string;
  reportXlsx: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      programme: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      report: { type: 'string' },
      interval: { type: 'string', default: '500' },
    },
  });
  const env = parseConfig(z.object({ ANSINH_TOKEN: z.string().optional(), ANSINH_URL: z.url().optional() }), process.env);
  const token = values.token ?? env.ANSINH_TOKEN;
  const baseUrl = (values.url ?? env.ANSINH_URL ?? 'http://127.0.0.1:3001').replace(/\/$/, '');
  const interval = Number(values.interval);
  if (!values.file || !values.programme || !token || !(interval >= 100)) {
    console.error(USAGE);
    return 2;
  }
  const headers = { authorization: `Bearer ${token}` };

  // openAsBlob streams the file from disk into the request: a large list is never read into memory.
  const form = new FormData();
  form.set('programmeCode', values.programme);
  form.set('file', await openAsBlob(values.file), path.basename(values.file));
  const size = (await stat(values.file)).size;
  console.log(`Đang tải lên ${path.basename(values.file)} (${(size / 1_048_576).toFixed(1)} MB)…`);
  const uploaded = await fetch(`${baseUrl}/imports`, { method: 'POST', headers, body: form });
  const body = (await uploaded.json()) as JobView & { code?: string; message?: string };
  if (uploaded.status !== 201 && uploaded.status !== 200) {
    console.error(`Không tải lên được (${uploaded.status} ${body.code}): ${body.message}`);
    return 1;
  }
  if (uploaded.status === 200) console.log(`Tệp này đã được tải lên cho chương trình ${values.programme}: dùng lại lần nhập ${body.id}.`);

  const bar = new SingleBar({
    format: '{bar} {percentage}% | {processed} dòng | mới {inserted} | trùng {duplicates} | lỗi {invalid} | {status}',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5_000,
  });
  const payload = (job: JobView) => ({ processed: job.processedRows, inserted: job.insertedRows, duplicates: job.duplicateRows, invalid: job.invalidRows, status: job.status });
  bar.start(1_000, 0, payload(body));
  let job = body;
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, interval));
    const response = await fetch(`${baseUrl}/imports/${job.id}`, { headers });
    if (!response.ok) {
      bar.stop();
      console.error(`Không đọc được tiến độ (${response.status}).`);
      return 1;
    }
    job = (await response.json()) as JobView;
    bar.update(Math.round(job.progress * 1_000), payload(job));
  }
  bar.stop();

  if (job.status === 'failed') {
    console.error(`Nhập thất bại (${job.errorCode}): ${job.errorMessage}`);
    return 1;
  }
  console.log(`Xong: ${job.processedRows} dòng, ${job.insertedRows} đối tượng mới, ${job.duplicateRows} đã có (bỏ qua), ${job.invalidRows} dòng lỗi.`);
  if (values.report) {
    const reportPath = values.report.toLowerCase().endsWith('.xlsx') ? job.reportXlsx : job.reportCsv;
    const report = await fetch(`${baseUrl}${reportPath}`, { headers });
    if (!report.ok) {
      console.error(`Không tải được báo cáo (${report.status}).`);
      return 1;
    }
    await writeFile(values.report, Buffer.from(await report.arrayBuffer()));
    console.log(`Báo cáo lỗi: ${values.report}`);
  } else if (job.invalidRows > 0) {
    console.log(`Báo cáo lỗi: ${baseUrl}${job.reportCsv} (hoặc thêm --report bao-cao.csv)`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Lỗi: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
