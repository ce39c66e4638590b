import { createContext, useContext } from 'react';
import { INTERNATIONAL, NATIONWIDE, PREFECTURES } from '../../../../libs/schema/src/regions.ts';
import { en, type Messages } from './en.ts';
import { ja } from './ja.ts';

export type Language = 'ja' | 'en';
export const MESSAGES: Record<Language, Messages> = { ja, en };
const LANGUAGE_KEY = 'kessetsu.language';

export function storedLanguage(): Language {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'ja';
}

export function storeLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language);
  document.documentElement.lang = language;
}

export const LanguageContext = createContext<{ language: Language; t: Messages; toggle: () => void }>({
  language: 'ja',
  t: ja,
  toggle: () => undefined,
});

export const useI18n = () => useContext(LanguageContext);

export function regionName(code: string, language: Language, t: Messages): string {
  if (code === NATIONWIDE) return t.nationwide;
  if (code === INTERNATIONAL) return t.international;
  const prefecture = PREFECTURES.find((p) => p.code === code);
  return prefecture ? prefecture[language] : code;
}

const JST = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** Always Japan time, with the zone written out. */
export function formatJst(iso: string | null | undefined): string {
  return iso ? `${JST.format(new Date(iso))} JST` : '';
}
