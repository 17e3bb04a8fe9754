fn main() {
    tickscope::run();
}
