package io.leadmatch.engine.crm;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The legal forms derived from the bundled ISO 20275 list, and what stripping them leaves. */
class LegalFormsTest {
    private static final LegalForms FORMS = LegalForms.bundled();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Inc",
                "Inc.",
                "L.L.C.",
                "LLC",
                "GmbH & Co. KG",
                "GmbH & Co KG",
                "S.p.A.",
                "SpA",
                "S.r.l.",
                "S.L.",
                "Ltda",
                "Ltda.",
                "Pvt Ltd",
                "Pvt. Ltd.",
                "Private Limited",
                "DAC",
                "PJSC",
                "Sdn Bhd",
                "Sdn. Bhd.",
                "ООО",
                "株式会社",
                "有限公司",
                "AG",
                "A.G.",
                "S.A.",
                "S A",
                "N.V.",
                "B.V.",
                "Oy",
                "ApS",
                "A/S",
                "plc",
                "Sp. z o.o.",
                "d.o.o.",
                "Pty Ltd",
                "Pte. Ltd.",
                "Tbk",
                "SAS",
                "SARL",
                "Kft."
            })
    void coversTheFormsUsersType(String form) {
        assertTrue(FORMS.contains(CompanyNames.fold(form)), form + " → " + CompanyNames.fold(form));
        assertEquals("acme", FORMS.strip(CompanyNames.fold("Acme " + form)), form);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Pinewick Networks Private Limited|pinewick networks",
                "Kowloon Trading Co., Ltd.|kowloon trading",
                "ООО «Ромашка»|ромашка",
                "株式会社サクラテック|サクラテック",
                "サクラテック株式会社|サクラテック",
                "深圳华科股份有限公司|深圳华科",
                "PT Astra Niaga|astra niaga",
                "Harbor Freight Tools GmbH & Co. KG|harbor freight tools",
                "Ltd|ltd",
                "GmbH & Co. KG|gmbh and co kg",
                "有限公司|有限公司",
                "Siemens|siemens",
            })
    void stripLeavesTheName(String name, String expected) {
        assertEquals(expected, FORMS.strip(CompanyNames.fold(name)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Müller|muller", "Mueller|muller", "MÜLLER|muller", "Nørdisk Ærø|nordisk aro", "Łódź|lodz",
                "Đorđević|dordevic", "Großmann|grossmann", "L.L.C.|llc", "S. p. A.|spa", "J.P. Morgan|jp morgan",
                "Harbor & Pine|harbor and pine", "O'Brien|obrien", "Quest|quest", "'  '|''"
            })
    void fold(String raw, String expected) {
        assertEquals(expected, CompanyNames.fold(raw));
    }
}
