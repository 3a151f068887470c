//! Writes the seed schemas of the `xsd` fuzz target into a folder (its corpus):
//!
//! ```sh
//! cargo run -p duis-xsd --example fuzz_seeds -- fuzz/corpus/xsd
//! ```
//!
//! Small schemas written for the fuzzer, one per family of constructs the compiler handles or
//! refuses: they are generated here so that the repository tracks no `.xsd` file (the DUIS
//! schemas are third-party and only their compiled tables are committed).

use std::path::PathBuf;

/// (file name, schema text).
const SEEDS: &[(&str, &str)] = &[
    (
        "choice-any.xsd",
        r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:c" xmlns:c="urn:c">
  <xs:complexType name="Base" abstract="true"><xs:sequence/></xs:complexType>
  <xs:complexType name="Derived">
    <xs:complexContent>
      <xs:extension base="c:Base">
        <xs:choice maxOccurs="unbounded">
          <xs:element name="x" type="xs:dateTime"/>
          <xs:element name="y" type="xs:decimal"/>
          <xs:any namespace="##other" processContents="lax"/>
        </xs:choice>
      </xs:extension>
    </xs:complexContent>
  </xs:complexType>
  <xs:element name="E" type="c:Derived"/>
</xs:schema>"###,
    ),
    (
        "element-sequence.xsd",
        r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns:t="urn:t" elementFormDefault="qualified">
  <xs:element name="Root">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="A" type="xs:unsignedByte" minOccurs="0" maxOccurs="3"/>
        <xs:element name="B" type="t:Code"/>
      </xs:sequence>
      <xs:attribute name="v" type="xs:string" use="required"/>
    </xs:complexType>
  </xs:element>
  <xs:simpleType name="Code">
    <xs:restriction base="xs:string">
      <xs:pattern value="[A-F0-9]{2}(-[A-F0-9]{2}){7}"/>
      <xs:maxLength value="23"/>
    </xs:restriction>
  </xs:simpleType>
</xs:schema>"###,
    ),
    (
        "import.xsd",
        r###"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xs:schema [<!ENTITY ns "urn:i">]>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="&ns;" xmlns:o="urn:o">
  <xs:import namespace="urn:o" schemaLocation="other.xsd"/>
  <xs:element name="R" type="o:T"/>
</xs:schema>"###,
    ),
    (
        "simple-content.xsd",
        r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:s" xmlns:s="urn:s" elementFormDefault="qualified">
  <xs:element name="Value">
    <xs:complexType>
      <xs:simpleContent>
        <xs:extension base="s:Ranged"><xs:attribute name="unit" type="xs:token" default="kWh"/></xs:extension>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
  <xs:simpleType name="Ranged">
    <xs:restriction base="xs:integer">
      <xs:minInclusive value="-5"/><xs:maxExclusive value="100"/><xs:totalDigits value="3"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="Blob"><xs:simpleType><xs:restriction base="xs:base64Binary"><xs:maxLength value="4"/></xs:restriction></xs:simpleType></xs:element>
  <xs:element name="Hex" type="xs:hexBinary" fixed="0A"/>
  <xs:element name="E"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="a"/><xs:enumeration value="b"/></xs:restriction></xs:simpleType></xs:element>
</xs:schema>"###,
    ),
    (
        "unsupported.xsd",
        r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:u" xmlns:u="urn:u">
  <xs:group name="g"><xs:sequence><xs:element name="a" type="xs:int"/></xs:sequence></xs:group>
  <xs:simpleType name="L"><xs:list itemType="xs:int"/></xs:simpleType>
  <xs:complexType name="Loop"><xs:complexContent><xs:extension base="u:Loop"/></xs:complexContent></xs:complexType>
  <xs:element name="D"><xs:complexType><xs:sequence><xs:element name="a" type="xs:int" minOccurs="0"/><xs:element name="a" type="xs:int"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>"###,
    ),
];

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("fuzz/corpus/xsd"));
    std::fs::create_dir_all(&dir)?;
    for (name, text) in SEEDS {
        std::fs::write(dir.join(name), format!("{text}\n"))?;
    }
    println!("{} seed schemas written to {}", SEEDS.len(), dir.display());
    Ok(())
}
