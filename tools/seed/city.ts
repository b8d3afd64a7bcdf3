import { valueNoise, type Rng } from './random.js';

/*
 * What the generator knows about Guangzhou: a rough outline, where people
 * live (urban cores dense, the north and the delta sparse), the eleven
 * districts with their real codes, names, areas and township counts, and
 * the characters place names are made of. Geometry is invented; only its
 * proportions follow the city.
 */

export type Point = [number, number];

/** Km per degree at Guangzhou's latitude (23.1 N). */
export const KM_PER_DEG_LON = 111.32 * Math.cos((23.1 * Math.PI) / 180);
export const KM_PER_DEG_LAT = 110.57;

export const CITY = { code: '4401', name: '广州市' };

/** Population and area (2020 census, km²) give district sizes; townships and towns are the real counts. */
export interface DistrictSpec {
  code: string;
  name: string;
  /** Where its centre is, [longitude, latitude]. */
  centre: Point;
  areaKm2: number;
  population: number;
  townships: number;
  /** Of `townships`, how many are towns (镇, codes 1xx) rather than streets (街道, codes 0xx). */
  towns: number;
}

export const DISTRICTS: DistrictSpec[] = [
  { code: '440104', name: '越秀区', centre: [113.275, 23.13], areaKm2: 33.8, population: 1_038_000, townships: 18, towns: 0 },
  { code: '440106', name: '天河区', centre: [113.365, 23.15], areaKm2: 96.3, population: 2_241_000, townships: 21, towns: 0 },
  { code: '440105', name: '海珠区', centre: [113.32, 23.085], areaKm2: 90.4, population: 1_819_000, townships: 18, towns: 0 },
  { code: '440103', name: '荔湾区', centre: [113.235, 23.105], areaKm2: 59.1, population: 1_238_000, townships: 22, towns: 0 },
  { code: '440111', name: '白云区', centre: [113.29, 23.29], areaKm2: 795.8, population: 3_740_000, townships: 24, towns: 4 },
  { code: '440113', name: '番禺区', centre: [113.38, 22.96], areaKm2: 530.0, population: 2_652_000, townships: 16, towns: 5 },
  { code: '440112', name: '黄埔区', centre: [113.48, 23.17], areaKm2: 484.2, population: 1_264_000, townships: 17, towns: 1 },
  { code: '440114', name: '花都区', centre: [113.2, 23.42], areaKm2: 970.0, population: 1_642_000, townships: 10, towns: 6 },
  { code: '440118', name: '增城区', centre: [113.8, 23.28], areaKm2: 1616.5, population: 1_466_000, townships: 13, towns: 6 },
  { code: '440115', name: '南沙区', centre: [113.52, 22.75], areaKm2: 783.9, population: 847_000, townships: 9, towns: 6 },
  { code: '440117', name: '从化区', centre: [113.6, 23.62], areaKm2: 1974.5, population: 717_000, townships: 8, towns: 5 },
];

/** A rough outline of the city, clockwise from the north of Conghua; midpoint displacement roughens it. */
const CONTROL: Point[] = [
  [113.7, 23.93],
  [113.88, 23.84],
  [114.0, 23.65],
  [114.05, 23.42],
  [113.99, 23.22],
  [113.92, 23.08],
  [113.72, 23.06],
  [113.58, 23.02],
  [113.63, 22.9],
  [113.7, 22.76],
  [113.62, 22.57],
  [113.5, 22.6],
  [113.42, 22.68],
  [113.35, 22.82],
  [113.26, 22.93],
  [113.18, 23.03],
  [113.2, 23.12],
  [113.14, 23.22],
  [113.02, 23.3],
  [112.96, 23.42],
  [113.04, 23.55],
  [113.2, 23.58],
  [113.3, 23.68],
  [113.4, 23.85],
  [113.55, 23.9],
];

/** The outline roughened by `depth` rounds of midpoint displacement (open ring, no closing point). */
export function cityOutline(rng: Rng, depth = 5, roughness = 0.22): Point[] {
  let ring = CONTROL.map(([x, y]) => [x, y] as Point);
  for (let round = 0; round < depth; round++) {
    const next: Point[] = [];
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % ring.length]!;
      const dx = (b[0] - a[0]) * KM_PER_DEG_LON;
      const dy = (b[1] - a[1]) * KM_PER_DEG_LAT;
      const shift = (rng() * 2 - 1) * roughness; // share of the segment's length, across it
      next.push(a, [(a[0] + b[0]) / 2 - (dy * shift) / KM_PER_DEG_LON, (a[1] + b[1]) / 2 + (dx * shift) / KM_PER_DEG_LAT]);
    }
    ring = next;
  }
  return ring;
}

/** Even-odd point in ring. */
export function insideRing(ring: Point[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function bboxOf(ring: Point[]): [number, number, number, number] {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    w = Math.min(w, x);
    e = Math.max(e, x);
    s = Math.min(s, y);
    n = Math.max(n, y);
  }
  return [w, s, e, n];
}

/** Residential cores: [longitude, latitude, relative density, spread in km]. */
const CORES: [number, number, number, number][] = [
  [113.268, 23.128, 115, 3.2], // 越秀 / 荔湾 old city
  [113.245, 23.11, 80, 3.5], // 荔湾
  [113.335, 23.125, 90, 4.5], // 天河 / 海珠 north
  [113.31, 23.09, 90, 4.5], // 海珠
  [113.38, 23.155, 45, 4], // 天河 east
  [113.3, 23.12, 22, 14], // the wider urban area
  [113.27, 23.2, 60, 4], // 白云 south (三元里, 同和)
  [113.26, 23.28, 45, 6], // 白云 centre
  [113.4, 22.97, 55, 6], // 番禺 市桥
  [113.35, 23.02, 25, 5], // 番禺 north (大石, 洛浦)
  [113.46, 23.1, 18, 4], // 黄埔
  [113.44, 23.18, 8, 4], // 科学城
  [113.22, 23.4, 55, 6], // 花都 新华
  [113.82, 23.29, 35, 5], // 增城 荔城
  [113.67, 23.13, 40, 4.5], // 增城 新塘
  [113.59, 23.55, 16, 3.5], // 从化 街口
  [113.55, 22.79, 16, 5], // 南沙 金洲
  [113.6, 22.7, 6, 4], // 南沙 横沥
];

/** Relative residential density at a point (rural baseline 1), with some local variation. */
export function density(seed: number, x: number, y: number): number {
  let d = 1;
  for (const [cx, cy, strength, spread] of CORES) {
    const dx = (x - cx) * KM_PER_DEG_LON;
    const dy = (y - cy) * KM_PER_DEG_LAT;
    d += strength * Math.exp(-(dx * dx + dy * dy) / (2 * spread * spread));
  }
  // Villages, estates and hills: about x0.45 to x2.2, changing over a few km.
  const n = valueNoise(seed, x / 0.04, y / 0.04) * 0.7 + valueNoise(seed + 1, x / 0.012, y / 0.012) * 0.3;
  return d * Math.exp((n - 0.5) * 1.6);
}

/** Characters of Cantonese place names. */
const PLACE_CHARS = [
  ...'东西南北中大新沙江龙凤华石岗塘湖洲岭园坑桥田海山水金银竹梅荔榕珠花云德安平和兴隆福寿昌盛明光景泰康宁乐富林涌滘围埔冈峰溪泉湾港坪庄冲朗松柏桂兰莲棠禾丰裕源嘉鹤鹏凰雁鸣翠碧青丹长永宝瑞祥吉庆利合仁义信忠勤黄槎洞岑芳蕉棉樟茶沥滨榄濠',
];

/** A two-character place name not yet in `taken` (which it is added to). */
export function placeName(rng: Rng, taken: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    const a = PLACE_CHARS[Math.floor(rng() * PLACE_CHARS.length)]!;
    const b = PLACE_CHARS[Math.floor(rng() * PLACE_CHARS.length)]!;
    if (a === b && attempt < 50) continue;
    const name = attempt < 200 ? a + b : a + b + PLACE_CHARS[Math.floor(rng() * PLACE_CHARS.length)]!;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** Guangdong surnames, the common ones repeated by rough frequency. */
const SURNAMES = [
  ...'陈陈陈陈陈李李李李黄黄黄黄张张张梁梁梁林林刘刘吴吴罗罗何何郑郑杨谢邓冯曾周麦钟叶蔡朱许卢潘关郭余苏彭胡徐莫赖温谭区陆邱廖梅方伍汤骆严',
  '欧阳',
  '司徒',
];
const GIVEN_CHARS = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲婷燕志健辉斌颖嘉欣俊浩宇文达锦荣美珊雯晓佳淑慧卓振永诗梓子铭凯耀锋坤秋冬春雪莹琳玉凤兰梅翠碧惠少国建家思晴雅可宏泽',
];

export function personName(rng: Rng): string {
  const surname = SURNAMES[Math.floor(rng() * SURNAMES.length)]!;
  const length = rng() < 0.75 ? 2 : 1;
  let given = '';
  for (let i = 0; i < length; i++) given += GIVEN_CHARS[Math.floor(rng() * GIVEN_CHARS.length)]!;
  return surname + given;
}
