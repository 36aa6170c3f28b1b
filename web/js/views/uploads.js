// Files through presigned uploads, shared by the request form and the conversation's reply form:
// each file asks POST /api/requests/uploads for a form, then goes straight to S3 with it.

import * as api from '../api.js';
import { ApiError } from '../api.js';

const TYPES = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff' };
export const fileType = (file) => TYPES[file.name.split('.').pop().toLowerCase()] || file.type;

export function refuse(detail) {
  return new ApiError(422, { title: 'Проверьте файлы', detail, errors: [{ field: 'attachments', message: detail }] });
}

/** Uploads each file once (a repeated `button` reuses the keys) and returns their keys. With
 * `atInput`, the upload form's refusal (a file of another type, over 10 МБ or empty) is shown at the
 * file input. */
export async function upload(files, uploaded, signal, button, atInput = false) {
  const keys = [];
  for (const file of files) {
    if (!uploaded.has(file)) {
      const asked = api.post('/api/requests/uploads', { filename: file.name, content_type: fileType(file), size: file.size }, { signal });
      const form = await (atInput ? asked.catch((e) => { throw e?.status === 422 ? refuse(`«${file.name}»: ${e.errors[0]?.message ?? e.detail}`) : e; }) : asked);
      const body = new FormData();
      for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
      body.append('file', file);
      let sent;
      try {
        sent = await fetch(form.url, { method: 'POST', body, signal });
      } catch (error) {
        if (error.name === 'AbortError') throw error;
      }
      if (!sent?.ok) throw refuse(`Не удалось загрузить файл «${file.name}». Проверьте связь и нажмите «${button}» ещё раз.`);
      uploaded.set(file, form.key);
    }
    keys.push(uploaded.get(file));
  }
  return keys;
}
