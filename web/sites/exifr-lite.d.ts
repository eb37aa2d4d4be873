// exifr's lite build (JPEG and HEIC; IFD0, EXIF and GPS) has the full build's API: its types are the package's.
declare module 'exifr/dist/lite.esm.mjs' {
  import exifr from 'exifr';
  export default exifr;
}
