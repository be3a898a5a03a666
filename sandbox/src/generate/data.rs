//! The words the generator draws from: people, companies, addresses by country, products, tax
//! regimes. Some entries carry XML specials (`& < > " '`), non-ASCII text (é, ß, Ø, 東京) and astral
//! characters (emoji), and some builders make values longer than their GP field on purpose.

/// How a country's orders are taxed and priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// US sales tax by state, prices exclude tax.
    Us,
    /// UK VAT: 20% standard, 5% reduced, 0% zero-rated.
    Uk,
    /// EU VAT: standard and reduced rate, 4-place percent.
    Eu { standard: i128, reduced: i128 },
    /// Outside the seller's tax area: every row zero-rated.
    Export,
}

#[derive(Debug, Clone, Copy)]
pub struct Country {
    pub name: &'static str,
    /// Brightpearl's country id. 222 and 223 are seen in real responses (282 Costa Rica too); the
    /// others follow the same numbering (the osCommerce country table) and are not verified.
    pub id: i64,
    pub iso2: &'static str,
    pub iso3: &'static str,
    pub region: Region,
    pub currency: &'static str,
}

const fn country(
    name: &'static str,
    id: i64,
    iso2: &'static str,
    iso3: &'static str,
    region: Region,
    currency: &'static str,
) -> Country {
    Country { name, id, iso2, iso3, region, currency }
}

pub const US: Country = country("United States", 223, "US", "USA", Region::Us, "USD");
pub const GB: Country = country("United Kingdom", 222, "GB", "GBR", Region::Uk, "GBP");
pub const DE: Country = country("Germany", 81, "DE", "DEU", Region::Eu { standard: 190_000, reduced: 70_000 }, "EUR");
pub const FR: Country = country("France", 73, "FR", "FRA", Region::Eu { standard: 200_000, reduced: 55_000 }, "EUR");
pub const IE: Country = country("Ireland", 103, "IE", "IRL", Region::Eu { standard: 230_000, reduced: 135_000 }, "EUR");
pub const NL: Country = country("Netherlands", 150, "NL", "NLD", Region::Eu { standard: 210_000, reduced: 90_000 }, "EUR");
pub const ES: Country = country("Spain", 195, "ES", "ESP", Region::Eu { standard: 210_000, reduced: 100_000 }, "EUR");
pub const NO: Country = country("Norway", 160, "NO", "NOR", Region::Export, "");
pub const DK: Country = country("Denmark", 57, "DK", "DNK", Region::Export, "");
pub const JP: Country = country("Japan", 107, "JP", "JPN", Region::Export, "");
pub const CA: Country = country("Canada", 38, "CA", "CAN", Region::Export, "USD");
pub const AU: Country = country("Australia", 13, "AU", "AUS", Region::Export, "");
pub const CR: Country = country("Costa Rica", 282, "CR", "CRI", Region::Export, "USD");
pub const CH: Country = country("Switzerland", 204, "CH", "CHE", Region::Export, "");

pub const COUNTRIES: &[(u32, Country)] = &[
    (340, US),
    (250, GB),
    (70, DE),
    (60, FR),
    (40, IE),
    (30, NL),
    (30, ES),
    (20, NO),
    (20, DK),
    (40, JP),
    (30, CA),
    (20, AU),
    (10, CR),
    (20, CH),
];

/// A first or last name and the ASCII form used in e-mail addresses.
pub type Name = (&'static str, &'static str);

pub const FIRST_NAMES: &[Name] = &[
    ("Dana", "dana"),
    ("Oliver", "oliver"),
    ("Amélie", "amelie"),
    ("Jürgen", "juergen"),
    ("Søren", "soren"),
    ("Zoë", "zoe"),
    ("Björn", "bjorn"),
    ("Siobhán", "siobhan"),
    ("Renée", "renee"),
    ("Łukasz", "lukasz"),
    ("Priya", "priya"),
    ("Mateo", "mateo"),
    ("Chloé", "chloe"),
    ("Grace", "grace"),
    ("Liam", "liam"),
    ("Emma", "emma"),
    ("Noah", "noah"),
    ("Olivia", "olivia"),
    ("Hannah", "hannah"),
    ("Marcus", "marcus"),
    ("Aoife", "aoife"),
    ("Ingrid", "ingrid"),
    ("François", "francois"),
    ("José", "jose"),
    ("Yuki", "yuki"),
    ("Wei", "wei"),
    ("Fatima", "fatima"),
    ("Kwame", "kwame"),
    ("Sarah", "sarah"),
    ("James", "james"),
    ("Mary-Kate", "marykate"),
    ("Tom", "tom"),
];

pub const LAST_NAMES: &[Name] = &[
    ("Whitfield", "whitfield"),
    ("O'Brien", "obrien"),
    ("O'Connor", "oconnor"),
    ("Müller", "mueller"),
    ("Strauß", "strauss"),
    ("Ødegaard", "odegaard"),
    ("García", "garcia"),
    ("Nguyen", "nguyen"),
    ("Smith", "smith"),
    ("Jones", "jones"),
    ("Tanaka", "tanaka"),
    ("Dubois", "dubois"),
    ("Kowalski", "kowalski"),
    ("Rossi", "rossi"),
    ("Patel", "patel"),
    ("Johansson", "johansson"),
    ("Fernández", "fernandez"),
    ("Brontë", "bronte"),
    ("D'Angelo", "dangelo"),
    ("MacLeod", "macleod"),
    ("Schäfer", "schaefer"),
    ("Núñez", "nunez"),
    ("Çelik", "celik"),
    ("Andersen", "andersen"),
    ("Ng", "ng"),
    ("van der Berg", "vanderberg"),
    ("Brown", "brown"),
    ("Wilson", "wilson"),
];

/// Full names as Japanese customers enter them, with the e-mail stem.
pub const JAPANESE_NAMES: &[Name] = &[("佐藤 健", "sato.ken"), ("鈴木 花子", "suzuki.hanako"), ("高橋 翔", "takahashi.sho"), ("東 京子", "azuma.kyoko")];

/// Company names used as they are.
pub const COMPANIES: &[&str] = &[
    "Customer Company Ltd.",
    "Whitfield & Sons <Outdoor>",
    "\"Best Buy\" Wholesale",
    "Café Ørsted ApS",
    "Straßenbau Müller GmbH",
    "東京トレーディング株式会社",
    "Bloom 🌸 Florist",
    "Rocket Toys 🚀 Ltd",
    "Smith's Hardware",
    "A > B Logistics",
    "Zoë's Boutique",
    "Q&A Supplies <Intl>",
    "Northwind Traders",
    "Contoso Retail Inc.",
    "Fabrikam, Inc.",
    "Tailspin Toys",
    "Adventure Works Cycles",
    "Les Délices de Besançon SARL",
    "Nørrebro Cykler",
    "Hernández e Hijos S.L.",
];

/// Company name patterns around a last name (`{}`).
pub const COMPANY_PATTERNS: &[&str] = &[
    "{} & Sons",
    "{} & Co.",
    "{} Outdoor Ltd.",
    "{} Trading LLC",
    "{} Handels GmbH",
    "{}'s Gift Shop",
    "{} Bros. <Wholesale>",
    "{} \"Original\" Bakery",
    "{} Supply Co",
    "{} Retail Group",
    "{} Inc.",
    "{} Ltd",
    "{} Design Studio",
];

/// Appended to a last name: always longer than GP's 64-character name fields.
pub const LONG_COMPANY_SUFFIX: &str =
    " Outdoor Equipment, Clothing & Accessories International Holdings Ltd.";

/// An address in one country: line 1 to 4 (line 3 the city, line 4 the state or county), postal
/// code, a telephone prefix.
pub struct Place {
    pub streets: &'static [&'static str],
    pub line2: &'static [&'static str],
    /// City, state or county, postal code prefix, digits to append to the prefix.
    pub towns: &'static [(&'static str, &'static str, &'static str, u32)],
    pub phone: &'static str,
    /// Street number before the street (`34 Lime St`) or after it (`Hauptstraße 12`).
    pub number_first: bool,
}

pub fn place(country: &Country) -> &'static Place {
    match country.iso2 {
        "US" => &Place {
            streets: &["Harbor Rd", "Main St", "Elm Ave", "Market St", "Sunset Blvd", "O'Farrell St", "Peachtree St NE", "5th Ave"],
            line2: &["", "", "", "Suite 3", "Apt 4B", "Unit 12", "Floor 2 & 3", "c/o Dana's Mailroom"],
            towns: &[
                ("Portland", "OR", "972", 2),
                ("Austin", "TX", "787", 2),
                ("Chicago", "IL", "606", 2),
                ("New York", "NY", "100", 2),
                ("Denver", "CO", "802", 2),
                ("Seattle", "WA", "981", 2),
                ("Miami", "FL", "331", 2),
                ("Boise", "ID", "837", 2),
            ],
            phone: "555-01",
            number_first: true,
        },
        "GB" => &Place {
            streets: &["Lime St", "High Street", "Church Lane", "King's Road", "Station Rd", "Mill Lane"],
            line2: &["", "Barton", "Kensington", "Old Town", "Flat 2"],
            towns: &[
                ("Sheffield", "South Yorkshire", "S1 4RT", 0),
                ("London", "Greater London", "SW1A 2AA", 0),
                ("Leeds", "West Yorkshire", "LS1 4DY", 0),
                ("Bristol", "", "BS1 5TR", 0),
                ("Manchester", "Greater Manchester", "M1 1AE", 0),
                ("Edinburgh", "Midlothian", "EH1 1YZ", 0),
                ("Cardiff", "South Glamorgan", "CF10 1EP", 0),
            ],
            phone: "01245 8456",
            number_first: true,
        },
        "DE" => &Place {
            streets: &["Hauptstraße", "Königsallee", "Müllerstraße", "Am Schloßpark", "Bahnhofstraße"],
            line2: &["", "", "Hinterhaus", "3. OG"],
            towns: &[("München", "Bayern", "803", 2), ("Berlin", "Berlin", "101", 2), ("Köln", "Nordrhein-Westfalen", "506", 2), ("Düsseldorf", "Nordrhein-Westfalen", "402", 2)],
            phone: "+49 89 12345",
            number_first: false,
        },
        "FR" => &Place {
            streets: &["rue de l'Église", "avenue des Champs-Élysées", "boulevard Saint-Germain", "rue du Faubourg"],
            line2: &["", "", "Bâtiment B", "2e étage"],
            towns: &[("Paris", "Île-de-France", "750", 2), ("Lyon", "Auvergne-Rhône-Alpes", "6900", 1), ("Besançon", "Bourgogne-Franche-Comté", "2500", 1)],
            phone: "+33 1 42 68 53 ",
            number_first: true,
        },
        "IE" => &Place {
            streets: &["O'Connell St", "Grafton Street", "Patrick's Quay"],
            line2: &["", "", "Apartment 7"],
            towns: &[("Dublin", "Co. Dublin", "D01 F5P2", 0), ("Cork", "Co. Cork", "T12 X70A", 0), ("Galway", "Co. Galway", "H91 E2K3", 0)],
            phone: "+353 1 555 01",
            number_first: true,
        },
        "NL" => &Place {
            streets: &["Keizersgracht", "Damrak", "Coolsingel"],
            line2: &["", "", "3-hoog"],
            towns: &[("Amsterdam", "Noord-Holland", "1015 CJ", 0), ("Rotterdam", "Zuid-Holland", "3011 AD", 0)],
            phone: "+31 20 555 01",
            number_first: false,
        },
        "ES" => &Place {
            streets: &["Calle de Alcalá", "Carrer de Sant Pere", "Avenida de la Constitución"],
            line2: &["", "", "Piso 2º, puerta B"],
            towns: &[("Madrid", "Comunidad de Madrid", "280", 2), ("Barcelona", "Cataluña", "080", 2), ("Sevilla", "Andalucía", "410", 2)],
            phone: "+34 91 555 01",
            number_first: false,
        },
        "NO" => &Place {
            streets: &["Øvre Slottsgate", "Bryggen", "Karl Johans gate"],
            line2: &["", "", "Postboks 12"],
            towns: &[("Oslo", "", "01", 2), ("Bergen", "Vestland", "50", 2), ("Tromsø", "Troms", "90", 2)],
            phone: "+47 22 55 01 ",
            number_first: false,
        },
        "DK" => &Place {
            streets: &["Nørregade", "Strøget", "Østerbrogade"],
            line2: &["", "", "2. th."],
            towns: &[("København", "Hovedstaden", "11", 2), ("Aarhus", "Midtjylland", "80", 2)],
            phone: "+45 33 55 01 ",
            number_first: false,
        },
        "JP" => &Place {
            streets: &["丸の内", "渋谷", "Shibuya", "銀座"],
            line2: &["千代田区", "渋谷区", "Shibuya-ku", "中央区"],
            towns: &[("東京", "東京都", "100-000", 1), ("Tokyo", "Tokyo", "150-000", 1), ("大阪", "大阪府", "530-000", 1)],
            phone: "+81 3-5555-01",
            number_first: false,
        },
        "CA" => &Place {
            streets: &["Rue Sainte-Catherine", "Queen St W", "Granville St"],
            line2: &["", "", "Unit 5"],
            towns: &[("Montréal", "QC", "H3B 1A7", 0), ("Toronto", "ON", "M5V 2T6", 0), ("Vancouver", "BC", "V6B 1A1", 0)],
            phone: "(416) 555-01",
            number_first: true,
        },
        "AU" => &Place {
            streets: &["George St", "Collins St", "Queen St"],
            line2: &["", "", "Level 4"],
            towns: &[("Sydney", "NSW", "2000", 0), ("Melbourne", "VIC", "3000", 0), ("Brisbane", "QLD", "4000", 0)],
            phone: "+61 2 5550 01",
            number_first: true,
        },
        "CR" => &Place {
            streets: &["Avenida Central", "Calle 5", "Paseo Colón"],
            line2: &["", "Barrio Amón", ""],
            towns: &[("San José", "San José", "10101", 0), ("Heredia", "Heredia", "40101", 0)],
            phone: "+506 2222 55",
            number_first: false,
        },
        _ => &Place {
            streets: &["Bahnhofstrasse", "Rue du Rhône", "Limmatquai"],
            line2: &["", "", "Postfach"],
            towns: &[("Zürich", "ZH", "80", 2), ("Genève", "GE", "12", 2), ("Bern", "BE", "30", 2)],
            phone: "+41 44 555 01 ",
            number_first: false,
        },
    }
}

/// Appended to address line 1: always longer than GP's 60-character address lines.
pub const LONG_ADDRESS_SUFFIX: &str = ", Riverside Industrial Estate, Units 14 & 15 (rear entrance, ring bell twice)";

/// Appended to a postal code: always longer than GP's 10-character ZIPCODE.
pub const LONG_POSTAL_SUFFIXES: &[&str] = &[" (PO Box 1234)", " / Lieferzone 7", " — Cedex 04"];

pub const EMAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "mail.example.co.uk", "shop.example.de"];

/// A product family: name stem, SKU stem, the catalogue price range in US cents.
pub struct Family {
    pub name: &'static str,
    pub sku: &'static str,
    pub cents: (i64, i64),
    /// Sizes, colours or packs that vary the name (`{}` in the pattern).
    pub variants: &'static [&'static str],
}

pub const FAMILIES: &[Family] = &[
    Family { name: "Trail boots, size {}", sku: "BOOT-TRL", cents: (6_495, 18_900), variants: &["7", "8", "9", "10", "11", "12"] },
    Family { name: "Wool socks ({} pack)", sku: "SOCK-WL", cents: (750, 2_400), variants: &["3", "5", "10"] },
    Family { name: "Ørsted rain jacket – {}", sku: "JKT-ORS", cents: (8_900, 24_900), variants: &["Navy", "Moss", "Crimson", "Schwarz"] },
    Family { name: "Café crème mug, {} ml", sku: "MUG-CC", cents: (899, 1_999), variants: &["250", "350", "500"] },
    Family { name: "東京 tote bag ({})", sku: "BAG-TKY", cents: (1_500, 4_500), variants: &["藍", "Natural", "Black"] },
    Family { name: "Straßen bike helmet {}", sku: "HLM-STR", cents: (3_999, 12_999), variants: &["S", "M", "L", "XL"] },
    Family { name: "Kids' T-shirt \"Dino\" <{}>", sku: "TEE-DINO", cents: (1_200, 2_200), variants: &["XS", "S", "M"] },
    Family { name: "Salt & pepper grinder set – {}", sku: "GRN-SP", cents: (2_495, 6_995), variants: &["Oak", "Steel", "Ceramic"] },
    Family { name: "Rocket 🚀 desk lamp, {}", sku: "LMP-RKT", cents: (2_999, 8_999), variants: &["red", "silver"] },
    Family { name: "Merino base layer {}", sku: "BASE-MER", cents: (4_500, 9_500), variants: &["S", "M", "L", "XL", "XXL"] },
    Family { name: "Waterproof backpack {} L", sku: "BPK-WP", cents: (5_900, 17_900), variants: &["20", "30", "45"] },
    Family { name: "Soy candle \"{}\"", sku: "CND-SOY", cents: (1_400, 3_200), variants: &["Fig & Cassis", "Crème brûlée", "Sea salt", "Forêt"] },
    Family { name: "Dot-grid notebook A{}", sku: "NB-DOT", cents: (650, 2_400), variants: &["4", "5", "6"] },
    Family { name: "Enamel pin 🦊 {}", sku: "PIN-FOX", cents: (500, 1_200), variants: &["gold", "silver"] },
    Family { name: "Espresso beans {} g", sku: "COF-ESP", cents: (999, 3_499), variants: &["250", "500", "1000"] },
    Family { name: "Cast-iron skillet {}\"", sku: "SKL-CI", cents: (2_999, 7_999), variants: &["8", "10", "12"] },
    Family { name: "Hand-knitted scarf by Søren & Zoë – {}", sku: "SCF-HK", cents: (3_900, 8_900), variants: &["grey", "mustard"] },
    Family { name: "Organic cotton tea towels (set of {})", sku: "TWL-ORG", cents: (1_299, 2_999), variants: &["2", "4"] },
];

/// Appended to a product name: always longer than GP's 100-character ITEMDESC with any stem.
pub const LONG_PRODUCT_SUFFIX: &str =
    " – limited edition collector's bundle with carry case, spare parts & lifetime warranty (2024 model year, EU/UK/US plug)";

/// Rows that name no product (productId 1000, no SKU): name, price range in US cents.
pub const FREE_TEXT: &[(&str, (i64, i64))] = &[
    ("Gift wrapping", (300, 600)),
    ("Custom engraving: \"Happy 40th\" 🎉", (1_000, 2_500)),
    ("Assembly service", (2_500, 7_500)),
    ("Restocking fee", (500, 1_500)),
    ("Gift message: «Joyeux anniversaire» ❤", (0, 0)),
    ("Installation & setup <on site>", (4_900, 14_900)),
    ("Rush handling (< 24h)", (900, 1_900)),
    ("Extended warranty – 2 years", (1_999, 4_999)),
];

/// Shipping rows (nominal code 4040): name per region, price choices in cents of the order currency.
pub const SHIPPING_US: &[&str] = &["Ground shipping", "UPS 2nd Day Air", "Next day delivery 🚚", "FedEx Overnight"];
pub const SHIPPING_UK: &[&str] = &["Royal Mail 1st Class", "Royal Mail Tracked 48", "DPD next day 🚚", "Click & Collect"];
pub const SHIPPING_EU: &[&str] = &["DHL Paket", "Livraison à domicile", "Expressversand (Straße)", "Envío estándar", "PostNL – brievenbuspakje"];
pub const SHIPPING_EXPORT: &[&str] = &["International shipping", "DHL Express Worldwide 🚚", "国際配送 (EMS)", "Tracked & Signed International"];
pub const SHIPPING_CENTS: &[(u32, i64)] = &[(10, 0), (25, 499), (25, 750), (20, 995), (10, 1_200), (10, 2_499)];

/// A US state's combined sales tax, 4-place percent. Oregon has none.
pub fn us_sales_tax(state: &str) -> i128 {
    match state {
        "OR" => 0,
        "TX" => 82_500,
        "IL" => 102_500,
        "NY" => 88_750,
        "CO" => 88_100,
        "WA" => 102_500,
        "FL" => 70_000,
        "ID" => 60_000,
        _ => 72_500,
    }
}

/// Customer references: empty, a web or marketplace order number, a buyer's PO.
pub const REFERENCE_PATTERNS: &[(u32, &str)] = &[
    (30, ""),
    (25, "WEB-{}"),
    (15, "#{}"),
    (10, "PO {}/B"),
    (8, "112-{}-4471203"),
    (5, "Amazon {}"),
    (4, "Tel. order – Zoë {}"),
    (3, "Rush & <fragile> {}"),
];

/// Sales order statuses: id, name. 1, 3 and 4 are seen in real responses; the others are plausible
/// account-configured statuses.
pub const STATUS_DRAFT: (i64, &str) = (1, "Draft / Quote");
pub const STATUS_NEW_WEB: (i64, &str) = (2, "New web order");
pub const STATUS_NEW_PHONE: (i64, &str) = (3, "New phone order");
pub const STATUS_INVOICED: (i64, &str) = (4, "Invoiced");
pub const STATUS_AWAITING_PAYMENT: (i64, &str) = (7, "Awaiting payment");
pub const STATUS_BACK_ORDER: (i64, &str) = (8, "On back order");
pub const STATUS_CANCELLED: (i64, &str) = (5, "Cancelled");
