import { describe, expect, it } from 'vitest';
import { nationalId } from '../../server/parcels/owners.ts';
import { crsOfName, crsOfPrj } from '../../server/tax/import/crs.ts';
import { checkRegisterRows, readMapCode } from '../../server/tax/import/register.ts';
import { readShapefile } from '../../server/tax/import/shapefile.ts';
import { PRJ, shapefileZip, square } from '../support/shapefile.ts';

describe('the CRS of a tax-map layer', () => {
  it('reads UTM 47N, 48N and WGS 84 from ESRI and OGC .prj files, by EPSG code, zone name or central meridian', () => {
    expect(crsOfPrj(PRJ[32647])).toEqual({ srid: 32647 });
    expect(crsOfPrj(PRJ[32648])).toEqual({ srid: 32648 });
    expect(
      crsOfPrj(
        'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
      ),
    ).toEqual({
      srid: 4326,
    });
    // OGC WKT1 as GDAL writes it: the CRS's own authority comes last.
    expect(
      crsOfPrj(
        'PROJCS["WGS 84 / UTM zone 48N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],AUTHORITY["EPSG","32648"]]',
      ),
    ).toEqual({ srid: 32648 });
    // No zone in the name: the central meridian says it (99° E is zone 47).
    expect(crsOfPrj(PRJ[32648].replace('WGS_1984_UTM_Zone_48N', 'Khon Kaen grid').replace('105.0', '99.0'))).toEqual({ srid: 32647 });
  });

  it('refuses the Indian 1975 datum, web Mercator and other UTM zones', () => {
    expect(crsOfPrj(PRJ.indian1975)).toMatchObject({ problem: expect.stringMatching(/Indian 1975/) });
    expect(crsOfPrj(PRJ[32648].replace('Zone_48N', 'Zone_46N').replace('105.0', '93.0'))).toMatchObject({ problem: expect.stringMatching(/47N or 48N/) });
    expect(crsOfName('EPSG:3857')).toMatchObject({ problem: expect.any(String) });
  });

  it('reads the names GeoJSON and requests use', () => {
    expect(crsOfName('EPSG:32648')).toEqual({ srid: 32648 });
    expect(crsOfName('urn:ogc:def:crs:EPSG::32647')).toEqual({ srid: 32647 });
    expect(crsOfName('urn:ogc:def:crs:OGC:1.3:CRS84')).toEqual({ srid: 4326 });
    expect(crsOfName('4326')).toEqual({ srid: 4326 });
  });
});

describe('a zipped Shapefile', () => {
  it('gives each record its attributes, decoded from TIS-620 or UTF-8, and its polygon with holes under their outer ring', async () => {
    const outer = square(1000, 2000, 50)[0] as [number, number][];
    const hole = (square(1000, 2000, 10)[0] as [number, number][]).slice().reverse();
    const features = [
      { rings: [outer, hole], attributes: { PARCEL_COD: '03-ก-017' } },
      { rings: square(5000, 2000, 5), attributes: { PARCEL_COD: '03-ฮ-018' } },
    ];
    for (const utf8 of [false, true]) {
      const layer = await readShapefile(shapefileZip('map', features, { prj: PRJ[32648], utf8 }));
      expect(layer.prj).toBe(PRJ[32648]);
      expect(layer.records.map((r) => r.attributes.PARCEL_COD)).toEqual(['03-ก-017', '03-ฮ-018']);
      expect(layer.records[0]?.polygons).toEqual([[outer, hole]]);
    }
  });

  it('is refused past 5,000 features, before their attributes are read', async () => {
    const many = Array.from({ length: 5001 }, (_, k) => ({ rings: square(k * 10, 0, 1), attributes: { C: 'x' } }));
    await expect(readShapefile(shapefileZip('many', many))).rejects.toThrow(/more than 5,000 features/);
  });
});

describe('the register file', () => {
  const id = nationalId('110170012345');
  const HEADER = 'รหัสแปลง,ชื่อเจ้าของ,เลขประจำตัวประชาชน,การใช้ประโยชน์,เนื้อที่,ราคาประเมินที่ดิน,สิ่งปลูกสร้าง';
  const types = [{ code: 'shophouse', name_th: 'ตึกแถว/ห้องแถว', name_en: 'Shophouse, row house' }];
  const table = (...rows: string[]) => [HEADER, ...rows].map((r) => r.split(','));

  it('reads codes with short parts, areas in rai-ngan-wah, a land value spread over the area, and buildings by Thai name', () => {
    expect(readMapCode('3-ก-17')).toEqual({ zone: '03', block: 'ก', lot: '017' });
    expect(readMapCode('๐๓/ก/๐๑๗')).toEqual({ zone: '03', block: 'ก', lot: '017' });
    expect(readMapCode('03-A-017')).toBeNull();
    const { rows, errors } = checkRegisterRows(
      table(`03-ก-017,สมชาย ศรีสุข,${id},ใช้ประโยชน์หลายประเภท ที่อยู่อาศัย:0.75;อื่นๆ:0.25,1-1-0,4000000,ห้องแถว:60:2540:อื่นๆ`),
      types,
    );
    expect(errors).toEqual([]);
    // 1 ไร่ 1 งาน = 1,600 + 400 = 2,000 m²; 4,000,000 baht ÷ 2,000 m² = 2,000 baht a m².
    expect(rows[0]).toMatchObject({
      map_zone: '03',
      area_m2: 2000,
      land_price_m2: 2000,
      uses: [
        { use: 'residential', share: 0.75 },
        { use: 'other', share: 0.25 },
      ],
      buildings: [{ building_type: 'shophouse', use: 'other', floor_area_m2: 60, year_built: 2540, residence: null }],
    });
  });

  it('names each bad cell by its row and the file’s own column', () => {
    const { errors } = checkRegisterRows(
      table(`03-ก-017,ก;ข,${id},ที่อยู่อาศัย,0-4-0,,`, `03-ก-018,ค,${id},ที่อยู่อาศัย,100,,ตึก:60:2540:อื่นๆ`, `03-ก-019,ง,${id},ที่อยู่อาศัย,100,,ห้องแถว:60:2540:อื่นๆ:เจ้าของ`),
      types,
    );
    expect(errors.map((e) => `${e.row}:${e.column}`)).toEqual(['2:เลขประจำตัวประชาชน', '2:เนื้อที่', '3:สิ่งปลูกสร้าง', '4:สิ่งปลูกสร้าง']);
    expect(errors[0]?.message).toBe('2 owner name(s) but 1 national ID(s)');
    expect(errors[2]?.message).toMatch(/unknown building type "ตึก"; accepted: ตึกแถว\/ห้องแถว \(shophouse\)/);
    expect(errors[3]?.message).toMatch(/only a residential building is a residence/);
  });
});
