import { expect } from 'chai';
import { DEFAULT_TEMPLATES, escapeGs1DataMatrixField, escapeZplPlaceholder, renderTemplate, SSCC_LABEL_TEMPLATES, templateProblem, zplFields } from '../../../adapters/printers/templates.js';

const GS = '\u001d';
const CODE = `0104600840749372215!IS(;${GS}93dGVz`;
const SSCC = '046008400000000015';

describe('printer labels: GS1 DataMatrix unit labels and GS1-128 SSCC labels (issue 14)', () => {
  it('the default Zebra unit label is a GS1 DataMatrix: ^BX quality 200 with escape _, FNC1 first, GS as FNC1 — exact ZPL', () => {
    const zpl = renderTemplate(DEFAULT_TEMPLATES.ZEBRA_ZPL, { code: CODE, gs1_code: CODE }, escapeZplPlaceholder);
    expect(zpl).to.equal('^XA^FO40,40^BXN,8,200,,,,_^FH\\^FD_10104600840749372215!IS(;_193dGVz^FS^FO40,280^A0N,24,24^FH_^FD0104600840749372215!IS(;_1D93dGVz^FS^XZ');
    expect(templateProblem('ZEBRA_ZPL', DEFAULT_TEMPLATES.ZEBRA_ZPL)).to.equal(null);
  });

  it('escapes what ^FH and ^BX would misread in DataMatrix data', () => {
    expect(escapeGs1DataMatrixField(`A_B^C~D\\E${GS}F`)).to.equal('A_d095B\\5EC\\7ED\\5CE_1F');
    expect(escapeGs1DataMatrixField('Ы')).to.equal('\\D0\\AB');
  });

  it('the SSCC label: GS1-128 in Code C with FNC1 first, and the SSCC as text — exact ZPL', () => {
    const zpl = renderTemplate(SSCC_LABEL_TEMPLATES.ZEBRA_ZPL, { sscc: SSCC, gs1_sscc: `00${SSCC}`, sscc_text: `(00) ${SSCC}`, identifier: 'B-2031-000001' }, escapeZplPlaceholder);
    expect(zpl).to.equal(
      '^XA^FO40,40^BY3^BCN,160,N,N,N,N^FH\\^FD>;>800046008400000000015^FS^FO40,220^A0N,36,36^FH_^FD(00) 046008400000000015^FS^FO40,270^A0N,28,28^FH_^FDB-2031-000001^FS^XZ',
    );
    expect(templateProblem('ZEBRA_ZPL', SSCC_LABEL_TEMPLATES.ZEBRA_ZPL)).to.equal(null);
  });

  it('reads the fields back as a scanner would (what the printer simulator records)', () => {
    const unit = renderTemplate(DEFAULT_TEMPLATES.ZEBRA_ZPL, { code: CODE, gs1_code: CODE }, escapeZplPlaceholder);
    expect(zplFields(unit)).to.deep.equal([CODE, CODE]);
    const box = renderTemplate(SSCC_LABEL_TEMPLATES.ZEBRA_ZPL, { sscc: SSCC, gs1_sscc: `00${SSCC}`, sscc_text: `(00) ${SSCC}`, identifier: 'B-2031-000001' }, escapeZplPlaceholder);
    expect(zplFields(box)).to.deep.equal([`00${SSCC}`, `(00) ${SSCC}`, 'B-2031-000001']);
    expect(zplFields('^XA^BXN,8,200,,,,_^FH\\^FD_1A_d095B_1C^FS^XZ')).to.deep.equal([`A_B${GS}C`]);
  });
});
