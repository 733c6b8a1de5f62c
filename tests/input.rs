//! Input through the library: encodings, delimiters, line ends, layouts and the spec.

use evaluate::cohort::{Cohort, Design, Kind, Layout, Options, build};
use evaluate::input::read::parse_bytes;
use evaluate::input::spec::parse_spec;

fn cohort(bytes: &[u8]) -> Cohort {
    let t = parse_bytes("t.csv", "t", bytes.to_vec()).expect("reads");
    build(&mut [t], &Options::default(), None).expect("builds")
}

fn err(bytes: &[u8]) -> String {
    match parse_bytes("t.csv", "t", bytes.to_vec()) {
        Err(e) => e.to_string(),
        Ok(t) => build(&mut [t], &Options::default(), None)
            .expect_err("should fail")
            .to_string(),
    }
}

const LONG: &str = "id,group,wave,score,ok\n1,program,pre,1.5,yes\n1,program,post,2.5,no\n2,control,pre,3.5,no\n2,control,post,4,sí\n";

fn check_long(c: &Cohort) {
    assert_eq!(c.design, Design::PrePostControl);
    assert!(c.paired);
    assert_eq!(c.participants.len(), 2);
    assert_eq!(c.domains.len(), 2);
    assert_eq!(c.domains[0].kind, Kind::Continuous);
    assert_eq!(c.domains[0].values[1][1], 4.0);
    assert_eq!(c.domains[0].values[0][0], 1.5);
    assert_eq!(c.domains[1].kind, Kind::Binary);
    assert_eq!(c.domains[1].values[1][1], 1.0);
}

#[test]
fn every_delimiter_and_line_end() {
    for (delim, dec) in [(",", "."), (";", ","), ("\t", "."), ("|", ".")] {
        for eol in ["\n", "\r\n", "\r"] {
            let text = LONG
                .replace(',', delim)
                .replace("1.5", &format!("1{dec}5"))
                .replace("2.5", &format!("2{dec}5"))
                .replace("3.5", &format!("3{dec}5"))
                .replace('\n', eol);
            check_long(&cohort(text.as_bytes()));
        }
    }
}

#[test]
fn every_encoding() {
    check_long(&cohort(LONG.as_bytes()));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(LONG.as_bytes());
    check_long(&cohort(&bom));
    // Windows-1252: "sí" is 0x73 0xED.
    let cp: Vec<u8> = LONG
        .replace("sí", "s\u{0}")
        .bytes()
        .map(|b| if b == 0 { 0xED } else { b })
        .collect();
    check_long(&cohort(&cp));
    let mut le = vec![0xFF, 0xFE];
    for u in LONG.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    check_long(&cohort(&le));
    let mut be = vec![0xFE, 0xFF];
    for u in LONG.encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    check_long(&cohort(&be));
    let no_bom: Vec<u8> = le[2..].to_vec();
    assert!(err(&no_bom).contains("UTF-16"));
}

#[test]
fn quoted_fields_with_delimiters_and_newlines() {
    let text = "id,group,wave,note,score\n1,program,pre,\"a, b\",1\n1,program,post,\"two\nlines\",2\n2,control,pre,\"x\",3\n2,control,post,\"y\",4\n";
    let c = cohort(text.as_bytes());
    // `note` has 4 unique text values: a categorical domain with 4 levels.
    assert_eq!(c.domains[0].levels, vec!["a, b", "two\nlines", "x", "y"]);
    assert_eq!(c.domains[1].values[1][1], 4.0);
}

#[test]
fn wide_layout_in_every_form() {
    for (pre, post) in [
        ("score_pre", "score_post"),
        ("pre_score", "post_score"),
        ("score.pre", "score.post"),
        ("score_baseline", "score_endline"),
        ("score_antes", "score_despues"),
        ("Score_Antes", "Score_Después"),
    ] {
        let text = format!(
            "id,group,{pre},{post}\n1,program,1,2\n2,program,2,4\n3,control,1,1\n4,control,3,2\n"
        );
        let c = cohort(text.as_bytes());
        assert_eq!(c.layout, Layout::Wide, "{pre}");
        assert!(c.paired);
        assert_eq!(c.domains.len(), 1);
        assert!(
            c.domains[0].name.eq_ignore_ascii_case("score"),
            "{}",
            c.domains[0].name
        );
        assert_eq!(c.domains[0].values[1][1], 4.0);
    }
    // A column without its partner is skipped with a warning.
    let c = cohort(
        b"group,x_pre,x_post,y_pre\nprogram,1,2,3\ncontrol,2,3,4\nprogram,1,1,1\ncontrol,5,5,5\n",
    );
    assert_eq!(c.domains.len(), 1);
    assert!(c.warnings.iter().any(|w| w.message.contains("no partner")));
}

#[test]
fn roles_labels_and_designs() {
    let c = cohort(b"folio;grupo;momento;x\n1;Participante;Inicial;1\n1;Participante;Final;2\n2;No participante;inicial;3\n2;no participante;FINAL;5\n");
    assert_eq!(c.labels.control.as_deref(), Some("No participante"));
    assert_eq!(c.labels.pre.as_deref(), Some("Inicial"));
    assert_eq!(c.design, Design::PrePostControl);
    let c = cohort(b"group,x\nprogram,1\ncontrol,2\nprogram,3\ncontrol,4\n");
    assert_eq!(c.design, Design::PostOnlyControl);
    assert!(!c.paired);
    let c = cohort(b"id,time,x\n1,pre,1\n1,post,2\n2,pre,3\n2,post,3\n");
    assert_eq!(c.design, Design::PrePost);
    // No id matched across waves: independent samples.
    let c = cohort(
        b"id,group,wave,x\n1,program,pre,1\n2,program,post,2\n3,control,pre,3\n4,control,post,3\n",
    );
    assert!(!c.paired);
}

#[test]
fn value_errors_name_line_and_column() {
    let e = err(b"id,group,wave,x\n1,program,pre,1\n1,program,post,inf\n2,control,pre,3\n2,control,post,3\n");
    assert!(
        e.contains("line 3") && e.contains("non-finite") && e.contains("\"x\""),
        "{e}"
    );
    let e = err(b"id,group,wave,x,x\n1,program,pre,1,2\n");
    assert!(e.contains("same name"), "{e}");
    let e = err("id,group,wave,Niño,nino\n1,program,pre,1,2\n".as_bytes());
    assert!(e.contains("same name"), "{e}");
    let e = err(b"id,group,wave,x\n1,program,pre,1\n");
    assert!(e.contains("single arm and a single wave"), "{e}");
    let e = err(b"");
    assert!(e.contains("empty"), "{e}");
    let e = err(b"id,group,wave,x\n");
    assert!(e.contains("no data rows"), "{e}");
}

#[test]
fn missing_markers_count_as_missing() {
    let c = cohort(b"id,group,wave,x\n1,program,pre,NA\n1,program,post,2\n2,program,pre,.\n2,program,post,N/A\n3,control,pre,-\n3,control,post,3\n4,control,pre,null\n4,control,post,nan\n5,control,pre,ND\n5,control,post,NR\n6,program,pre,1\n");
    assert_eq!(c.domains[0].kind, Kind::Continuous);
    let present: usize = c.domains[0]
        .values
        .iter()
        .flatten()
        .filter(|v| !v.is_nan())
        .count();
    assert_eq!(present, 3);
}

#[test]
fn spec_renames_derives_and_orders() {
    let spec = parse_spec(
        "s.toml",
        "[groups]\nintervention = \"centro\"\ncontrol = \"espera\"\n[[domain]]\ncolumn = \"score\"\nname = \"passes\"\npass = \">= 3\"\n[[domain]]\ncolumn = \"lvl\"\nlevels = [\"low\", \"high\"]\n",
    )
    .unwrap();
    let data = b"id,group,wave,score,lvl\n1,centro,pre,2,high\n1,centro,post,3,high\n2,espera,pre,5,low\n2,espera,post,1,LOW\n";
    let t = parse_bytes("t.csv", "t", data.to_vec()).unwrap();
    let c = build(&mut [t], &Options::default(), Some(&spec)).unwrap();
    assert_eq!(c.domains[0].name, "passes");
    assert_eq!(c.domains[0].kind, Kind::Binary);
    assert_eq!(c.domains[0].values[0][0], 0.0);
    assert_eq!(c.domains[0].values[1][0], 1.0);
    assert_eq!(c.domains[1].levels, vec!["low", "high"]);
    assert!(c.domains[1].ordered);
    assert_eq!(c.domains[1].values[0][0], 1.0);
    let bad = parse_spec(
        "s.toml",
        "[[domain]]\ncolumn = \"score\"\n\n[[domain]]\ncolumn = \"nope\"\n",
    )
    .unwrap();
    let t = parse_bytes("t.csv", "t", data.to_vec()).unwrap();
    let e = build(&mut [t], &Options::default(), Some(&bad)).unwrap_err();
    assert_eq!(e.line, Some(5));
    assert!(e.to_string().contains("nope"));
}
