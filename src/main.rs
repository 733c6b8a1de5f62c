//! `evaluate`: parse arguments, run, map errors to exit codes (0 done, 2 user error, 1 bug).

use clap::Parser;
use evaluate::cli::Cli;
use evaluate::error::UserError;
use std::process::ExitCode;

/// The system allocator, asking for huge pages for big arrays (src/alloc.rs).
#[global_allocator]
static GLOBAL: evaluate::alloc::Allocator = evaluate::alloc::Allocator;

fn main() -> ExitCode {
    evaluate::alloc::tune_malloc();
    let cli = Cli::parse();
    match std::panic::catch_unwind(|| evaluate::run::run(&cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => match e.downcast_ref::<UserError>() {
            Some(u) => {
                eprintln!("error: {u}");
                ExitCode::from(2)
            }
            None => {
                eprintln!("error: {e:#}\n(this is a bug in evaluate; please report it)");
                ExitCode::from(1)
            }
        },
        Err(_) => {
            eprintln!("error: internal failure (this is a bug in evaluate; please report it)");
            ExitCode::from(1)
        }
    }
}
