use std::process::ExitCode;

fn main() -> ExitCode {
    fairchance::cli::main()
}
