//! Writing an output file atomically (temp file + rename), never over an input.

use crate::error::{UResult, UserError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The canonical path `p` would have (its parent resolved; the file need not exist).
fn canonical_target(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Some(c);
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.canonicalize().ok()?,
        _ => std::env::current_dir().ok()?,
    };
    Some(parent.join(p.file_name()?))
}

/// Refuse `out` when it is (through any spelling or symlink) one of `inputs`.
pub fn check_not_input(out: &Path, inputs: &[String]) -> UResult<()> {
    let Some(target) = canonical_target(out) else {
        return Ok(());
    };
    for i in inputs.iter().filter(|i| i.as_str() != "-") {
        if Path::new(i).canonicalize().is_ok_and(|c| c == target) {
            return Err(UserError::new(
                "the output file is an input file; refusing to overwrite it",
            )
            .file(out.display().to_string())
            .hint("choose another --output name")
            .es(
                "el archivo de salida es un archivo de entrada; no se sobrescribe",
                Some("elija otro nombre para --output"),
            ));
        }
    }
    Ok(())
}

/// Write `bytes` to `out` atomically: a temp file in the same folder, then rename.
pub fn write_atomic(out: &Path, bytes: &[u8], inputs: &[String]) -> UResult<()> {
    check_not_input(out, inputs)?;
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(
            UserError::new(format!("the folder {} does not exist", dir.display()))
                .file(out.display().to_string())
                .hint("create the folder first, or write somewhere else")
                .es(
                    format!("la carpeta {} no existe", dir.display()),
                    Some("cree antes la carpeta, o escriba en otro lugar"),
                ),
        );
    }
    if out.is_dir() {
        return Err(UserError::new("is a folder")
            .file(out.display().to_string())
            .hint("give a file name to --output")
            .es("es una carpeta", Some("dé un nombre de archivo a --output")));
    }
    let fail = |e: std::io::Error| {
        UserError::new(format!("cannot write the file: {e}"))
            .file(out.display().to_string())
            .hint("check that the folder is writable")
            .es(
                format!("no se puede escribir el archivo: {e}"),
                Some("compruebe que se puede escribir en la carpeta"),
            )
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.flush().map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.persist(out).map_err(|e| fail(e.error))?;
    Ok(())
}
